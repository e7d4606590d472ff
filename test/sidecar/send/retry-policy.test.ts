import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryableStatus, parseRetryAfter, retryDelayMs, MAX_RETRY_AFTER_MS, MAX_BACKOFF_MS } from '../../../src/sidecar/send/retry-policy.ts';

describe('isRetryableStatus', () => {
  const cases: [number, boolean][] = [[408, true], [429, true], [500, true], [502, true], [503, true], [400, false], [401, false], [404, false], [413, false], [415, false]];
  for (const [status, expected] of cases) it(`${status} → ${expected}`, () => assert.equal(isRetryableStatus(status), expected));
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  it('reads seconds', () => assert.equal(parseRetryAfter('120', now), 120_000));
  it('reads an HTTP date', () => assert.equal(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000));
  it('treats a past date as now', () => assert.equal(parseRetryAfter(new Date(now - 30_000).toUTCString(), now), 0));
  it('ignores garbage and absence', () => {
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with full jitter', () => {
    assert.equal(retryDelayMs(1, undefined, () => 0.999999, 1000), 999);
    assert.equal(retryDelayMs(2, undefined, () => 0.999999, 1000), 1999);
    assert.equal(retryDelayMs(3, undefined, () => 0.5, 1000), 2000);
    assert.equal(retryDelayMs(3, undefined, () => 0, 1000), 0);
  });
  it('never exceeds the cap', () => assert.ok(retryDelayMs(30, undefined, () => 0.999999) < MAX_BACKOFF_MS));
  it("honours the server's Retry-After, within a bound", () => {
    assert.equal(retryDelayMs(1, 7000, () => 0.1), 7000);
    assert.equal(retryDelayMs(1, 10 * MAX_RETRY_AFTER_MS, () => 0.1), MAX_RETRY_AFTER_MS);
  });
});
