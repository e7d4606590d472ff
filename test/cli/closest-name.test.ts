import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestName } from '../../src/cli/closest-name.ts';

describe('closestName', () => {
  const names = ['run', 'streams', 'inspect', 'status', 'collect', 'report', 'simulate', 'demo', 'help'];
  const cases: [string, string | undefined][] = [
    ['inpsect', 'inspect'], // two neighbours swapped
    ['insect', 'inspect'],
    ['colect', 'collect'],
    ['stauts', 'status'],
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
