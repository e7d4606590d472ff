import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from '../../src/collector/rate-limit.ts';

describe('createRateLimiter', () => {
  it('lets one report per instance through per interval, and says how long to wait', () => {
    const limiter = createRateLimiter(60_000);
    assert.equal(limiter.take('a', 1_000).ok, true);
    assert.deepEqual(limiter.take('a', 21_000), { ok: false, retryAfterMs: 40_000 });
    assert.equal(limiter.take('b', 21_000).ok, true);
    assert.equal(limiter.take('a', 61_000).ok, true);
  });

  it('gives a slot back, restoring the previous report’s time', () => {
    const limiter = createRateLimiter(60_000);
    assert.equal(limiter.take('a', 0).ok, true);
    const second = limiter.take('a', 70_000);
    assert.ok(second.ok);
    second.giveBack();
    // The report at 0 is the last one stored again: at 80 s the interval since it has passed.
    assert.equal(limiter.take('a', 80_000).ok, true);
    const fresh = createRateLimiter(60_000);
    const first = fresh.take('c', 0);
    assert.ok(first.ok);
    first.giveBack();
    assert.equal(fresh.take('c', 1).ok, true);
  });

  it('tracks a bounded number of instances, forgetting the least recently seen', () => {
    const limiter = createRateLimiter(60_000, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    assert.equal(limiter.take('a', 1).ok, true, 'a was forgotten, so it is let through');
    assert.equal(limiter.take('c', 1).ok, false);
  });
});
