import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/lib/duration.ts';

describe('parseDuration', () => {
  const cases: [string, number][] = [['500ms', 500], ['10s', 10_000], ['5m', 300_000], ['24h', 86_400_000], ['7d', 604_800_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], [' 2m ', 120_000]];
  for (const [text, ms] of cases) it(`${text} → ${ms}`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', '5', 'abc', '5mx', '-5m', '1y2z', '5 minutes']) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseDuration(bad), /is not a duration/));
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [[250, '250ms'], [5000, '5s'], [5_400_000, '1h30m'], [604_800_000, '7d'], [90_061_000, '1d1h1m1s']];
  for (const [ms, text] of cases) it(`${ms} → ${text}`, () => assert.equal(formatDuration(ms), text));
});
