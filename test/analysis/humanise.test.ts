import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humaniseChange, humaniseInstant, humaniseSeconds } from '../../src/analysis/humanise.ts';

describe('humaniseSeconds', () => {
  it('reads as the two largest units that matter, whole days past 100 days', () => {
    for (const [seconds, text] of [
      [0, '0s'],
      [45, '45s'],
      [100, '1m40s'],
      [360, '6m'],
      [3600, '1h'],
      [22_275, '6h11m'],
      [86_400, '1d'],
      [5 * 86_400 + 7200, '5d2h'],
      [400 * 86_400 + 3600, '400d'],
    ] as const) {
      assert.equal(humaniseSeconds(seconds), text, String(seconds));
    }
  });
});

describe('humaniseInstant and humaniseChange', () => {
  it('write a UTC minute and a signed percentage', () => {
    assert.equal(humaniseInstant('2025-01-31T12:00:00.000Z'), '2025-01-31 12:00 UTC');
    assert.equal(humaniseChange(2), '+200.0%');
    assert.equal(humaniseChange(-2 / 3), '-66.7%');
    assert.equal(humaniseChange(0), '+0.0%');
    assert.equal(humaniseChange(null), 'new');
  });
});
