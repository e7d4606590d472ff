import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { encodeBody } from '../../../src/sidecar/send/encode-body.ts';
import type { Payload } from '../../../src/sidecar/send/payload.ts';

const payload: Payload = {
  id: '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
  uptime: 3600,
  components: [{ type: 'input', name: 'generate' }, { type: 'output', name: 'aws_s3' }],
  hostInfo: { numCpu: 4, goMaxProcs: 4, goArch: 'arm64', goOS: 'linux' },
};

// 2025-12-01T12:00:00.500Z; a JWT's NumericDate counts whole seconds.
const signedAt = Date.UTC(2025, 11, 1, 12, 0, 0, 500);

describe('encodeBody', () => {
  it('sends JSON without a key', async () => {
    const encoded = await encodeBody(payload, undefined, signedAt);
    assert.equal(encoded.contentType, 'application/json');
    assert.deepEqual(JSON.parse(encoded.body), payload);
  });

  it('sends a compact RS256 JWT whose claims are the payload and the time it was signed, as text/plain', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encoded = await encodeBody(payload, privateKey, signedAt);
    assert.equal(encoded.contentType, 'text/plain');
    assert.equal(encoded.body.split('.').length, 3);
    assert.equal(decodeProtectedHeader(encoded.body).alg, 'RS256');
    const { payload: claims } = await jwtVerify(encoded.body, publicKey, { algorithms: ['RS256'] });
    assert.deepEqual(claims, { ...payload, iat: Date.UTC(2025, 11, 1, 12, 0, 0) / 1000 });
  });

  it('signs a token that a receiver with a maximum token age refuses once it is older than that', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encoded = await encodeBody(payload, privateKey, signedAt);
    const options = { algorithms: ['RS256'], maxTokenAge: '24h' };
    await jwtVerify(encoded.body, publicKey, { ...options, currentDate: new Date(signedAt + 23 * 3600_000) });
    await assert.rejects(jwtVerify(encoded.body, publicKey, { ...options, currentDate: new Date(signedAt + 25 * 3600_000) }));
  });

  it('fails verification with another key', async () => {
    const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encoded = await encodeBody(payload, signer.privateKey, signedAt);
    await assert.rejects(jwtVerify(encoded.body, other.publicKey));
  });
});
