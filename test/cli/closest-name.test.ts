import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance } from '../../src/cli/closest-name.ts';

describe('editDistance', () => {
  const cases: [string, string, number][] = [
    ['inspect', 'inspect', 0],
    ['inpsect', 'inspect', 1], // two neighbours swapped: one edit
    ['insect', 'inspect', 1],
    ['inspectt', 'inspect', 1],
    ['stauts', 'status', 1],
    ['colect', 'collect', 1],
    ['', 'run', 3],
    ['report', 'run', 5],
  ];
  for (const [a, b, expected] of cases) it(`${a} → ${b}: ${expected}`, () => assert.equal(editDistance(a, b), expected));
});

describe('closestName', () => {
  const names = ['run', 'streams', 'inspect', 'status', 'collect', 'report', 'simulate', 'demo', 'help'];
  const cases: [string, string | undefined][] = [
    ['inpsect', 'inspect'],
    ['strems', 'streams'],
    ['stream', 'streams'],
    ['staus', 'status'],
    ['Inspect', 'inspect'],
    ['rn', 'run'],
    ['frobnicate', undefined],
    ['x', undefined],
    ['config', undefined],
  ];
  for (const [typed, expected] of cases) it(`${typed} → ${String(expected)}`, () => assert.equal(closestName(typed, names), expected));
});
