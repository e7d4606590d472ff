import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createJwtReader, parsePublicKeys } from '../../src/collector/verify-jwt.ts';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const oldKey = pair();
const newKey = pair();
const stranger = pair();
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const claims = { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', uptime: 5, components: [{ type: 'input', name: 'generate' }] };
const sign = (key: KeyObject, alg = 'RS256') => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);

describe('createJwtReader with public keys', () => {
  const reader = createJwtReader(parsePublicKeys([{ source: 'old.pem', pem: pem(oldKey.publicKey) }, { source: 'new.pem', pem: pem(newKey.publicKey) }]));

  it('requires a signature', () => assert.equal(reader.requiresSignature, true));

  it('accepts a token signed by any configured key (key rotation)', async () => {
    for (const key of [oldKey, newKey]) {
      const token = await sign(key.privateKey);
      const result = await reader.read(`${token}\n`, NOW);
      assert.deepEqual(result, { ok: true, claims, token: { digest: sha256(token), expiresAt: null } });
    }
  });

  it('refuses a token signed by another key with 401', async () => {
    const result = await reader.read(await sign(stranger.privateKey), NOW);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses an algorithm other than RS256', async () => {
    const result = await reader.read(await sign(oldKey.privateKey, 'PS256'), NOW);
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await sign(oldKey.privateKey)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, uptime: 999 })).toString('base64url');
    const result = await reader.read(`${header}.${forged}.${signature}`, NOW);
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses something that is not a JWT with 401', async () => {
    const result = await reader.read('{"id":"x"}', NOW);
    assert.equal(!result.ok && result.status, 401);
  });
});

describe('createJwtReader without keys', () => {
  const reader = createJwtReader([]);

  it('reads the claims unverified', async () => {
    assert.equal(reader.requiresSignature, false);
    const token = await sign(stranger.privateKey);
    assert.deepEqual(await reader.read(token, NOW), { ok: true, claims, token: { digest: sha256(token), expiresAt: null } });
  });

  it('refuses a malformed token with 400', async () => {
    const result = await reader.read('not.a.jwt!', NOW);
    assert.equal(!result.ok && result.status, 400);
  });
});

describe('createJwtReader and the token’s times', () => {
  const reader = createJwtReader(parsePublicKeys([{ source: 'old.pem', pem: pem(oldKey.publicKey) }]), { clockSkewMs: 60_000, maxAgeMs: 3_600_000 });
  const s = (ms: number) => Math.floor(ms / 1000);
  const signWith = (extra: Record<string, number>) => new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg: 'RS256' }).sign(oldKey.privateKey);

  it('refuses an expired token with 401, and takes one inside the clock skew', async () => {
    const expired = await reader.read(await signWith({ exp: s(NOW - 61_000) }), NOW);
    assert.equal(!expired.ok && expired.status, 401);
    assert.match(!expired.ok ? expired.reason : '', /the JWT expired at 2025-01-31T11:58:59\.000Z/);
    const justInside = await reader.read(await signWith({ exp: s(NOW - 59_000) }), NOW);
    assert.ok(justInside.ok);
    assert.equal(justInside.token.expiresAt, NOW - 59_000 + 60_000);
  });

  it('refuses a token used before its nbf with 401', async () => {
    const early = await reader.read(await signWith({ nbf: s(NOW + 120_000) }), NOW);
    assert.equal(!early.ok && early.status, 401);
    assert.match(!early.ok ? early.reason : '', /not valid before 2025-01-31T12:02:00\.000Z/);
  });

  it('refuses a token issued longer ago than the maximum age, or in the future', async () => {
    const old = await reader.read(await signWith({ iat: s(NOW - 2 * 3_600_000) }), NOW);
    assert.match(!old.ok ? old.reason : '', /issued at 2025-01-31T10:00:00\.000Z, more than 1h ago/);
    const future = await reader.read(await signWith({ iat: s(NOW + 300_000) }), NOW);
    assert.match(!future.ok ? future.reason : '', /issued in the future/);
  });

  it('remembers a fresh token until the earlier of exp and iat plus the maximum age', async () => {
    const fresh = await reader.read(await signWith({ iat: s(NOW - 600_000), exp: s(NOW + 86_400_000) }), NOW);
    assert.ok(fresh.ok);
    // iat + 1h + skew comes before exp + skew.
    assert.equal(fresh.token.expiresAt, NOW - 600_000 + 3_600_000 + 60_000);
  });

  it('checks the times of unverified tokens too', async () => {
    const expired = await createJwtReader([]).read(await signWith({ exp: s(NOW - 3_600_000) }), NOW);
    assert.equal(!expired.ok && expired.status, 401);
  });
});

describe('parsePublicKeys', () => {
  it('reads PKCS#1 RSA public keys too', () => {
    const pkcs1 = oldKey.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    assert.equal(parsePublicKeys([{ source: 'k.pem', pem: pkcs1 }]).length, 1);
  });

  it('names the file that is not a key, and refuses non-RSA keys', () => {
    assert.throws(() => parsePublicKeys([{ source: 'bad.pem', pem: 'hello' }]), /bad\.pem is not a PEM public key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => parsePublicKeys([{ source: 'ec.pem', pem: pem(ec.publicKey) }]), /ec\.pem is a ec key; RS256 needs an RSA key/);
  });
});
