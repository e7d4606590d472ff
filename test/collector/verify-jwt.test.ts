import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createJwtReader, parsePublicKeys } from '../../src/collector/verify-jwt.ts';

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
      const result = await reader.read(`${await sign(key.privateKey)}\n`);
      assert.deepEqual(result, { ok: true, claims });
    }
  });

  it('refuses a token signed by another key with 401', async () => {
    const result = await reader.read(await sign(stranger.privateKey));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses an algorithm other than RS256', async () => {
    const result = await reader.read(await sign(oldKey.privateKey, 'PS256'));
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await sign(oldKey.privateKey)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, uptime: 999 })).toString('base64url');
    const result = await reader.read(`${header}.${forged}.${signature}`);
    assert.equal(!result.ok && result.status, 401);
  });

  it('refuses something that is not a JWT with 401', async () => {
    const result = await reader.read('{"id":"x"}');
    assert.equal(!result.ok && result.status, 401);
  });
});

describe('createJwtReader without keys', () => {
  const reader = createJwtReader([]);

  it('reads the claims unverified', async () => {
    assert.equal(reader.requiresSignature, false);
    assert.deepEqual(await reader.read(await sign(stranger.privateKey)), { ok: true, claims });
  });

  it('refuses a malformed token with 400', async () => {
    const result = await reader.read('not.a.jwt!');
    assert.equal(!result.ok && result.status, 400);
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
