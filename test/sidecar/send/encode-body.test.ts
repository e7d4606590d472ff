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

describe('encodeBody', () => {
  it('sends JSON without a key', async () => {
    const encoded = await encodeBody(payload);
    assert.equal(encoded.contentType, 'application/json');
    assert.deepEqual(JSON.parse(encoded.body), payload);
  });

  it('sends a compact RS256 JWT whose claims are the payload, as text/plain', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encoded = await encodeBody(payload, privateKey);
    assert.equal(encoded.contentType, 'text/plain');
    assert.equal(encoded.body.split('.').length, 3);
    assert.equal(decodeProtectedHeader(encoded.body).alg, 'RS256');
    const { payload: claims } = await jwtVerify(encoded.body, publicKey, { algorithms: ['RS256'] });
    assert.deepEqual(claims, payload);
  });

  it('fails verification with another key', async () => {
    const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encoded = await encodeBody(payload, signer.privateKey);
    await assert.rejects(jwtVerify(encoded.body, other.publicKey));
  });
});
