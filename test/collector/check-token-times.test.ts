import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTokenTimes } from '../../src/collector/check-token-times.ts';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);
const policy = { clockSkewMs: 60_000, maxAgeMs: 86_400_000 };
const s = (ms: number) => ms / 1000;

describe('checkTokenTimes', () => {
  it('takes a token without exp, nbf or iat (as Connect signs them), to be forgotten only by retention', () => {
    assert.deepEqual(checkTokenTimes({ id: 'x' }, NOW, policy), { ok: true, expiresAt: null });
  });

  it('refuses a time claim that is not a number', () => {
    const result = checkTokenTimes({ exp: '2025-02-01' }, NOW, policy);
    assert.deepEqual(result, { ok: false, reason: "the JWT's exp is not a NumericDate (seconds since the epoch)" });
  });

  it('takes fractional NumericDates', () => {
    assert.deepEqual(checkTokenTimes({ exp: s(NOW) + 0.5 }, NOW, policy), { ok: true, expiresAt: NOW + 500 + 60_000 });
  });

  it('takes a token at the edges of the skew, and refuses one just past them', () => {
    assert.equal(checkTokenTimes({ exp: s(NOW - 60_000) }, NOW, policy).ok, true);
    assert.equal(checkTokenTimes({ exp: s(NOW - 61_000) }, NOW, policy).ok, false);
    assert.equal(checkTokenTimes({ nbf: s(NOW + 60_000) }, NOW, policy).ok, true);
    assert.equal(checkTokenTimes({ nbf: s(NOW + 61_000) }, NOW, policy).ok, false);
    assert.equal(checkTokenTimes({ iat: s(NOW - 86_400_000 - 60_000) }, NOW, policy).ok, true);
    assert.equal(checkTokenTimes({ iat: s(NOW - 86_400_000 - 61_000) }, NOW, policy).ok, false);
  });

  it('has no age limit without a maximum age', () => {
    assert.deepEqual(checkTokenTimes({ iat: s(NOW - 400 * 86_400_000) }, NOW, { clockSkewMs: 60_000, maxAgeMs: undefined }), { ok: true, expiresAt: null });
  });
});
