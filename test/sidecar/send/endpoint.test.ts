import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, parseEndpoint } from '../../../src/sidecar/send/endpoint.ts';
import { UserError } from '../../../src/lib/errors.ts';

describe('parseEndpoint', () => {
  it('accepts https anywhere and http on this machine', () => {
    assert.equal(parseEndpoint('https://telemetry.example/connect/telemetry', false).host, 'telemetry.example');
    for (const url of ['http://127.0.0.1:4300/x', 'http://localhost:4300/x', 'http://[::1]:4300/x']) {
      assert.ok(parseEndpoint(url, false));
    }
  });

  it('knows this machine in every form a URL may spell it', () => {
    for (const url of ['http://127.1:4300/x', 'http://0x7f.0.0.1/x', 'http://2130706433/x', 'http://[0:0:0:0:0:0:0:1]/x', 'http://LOCALHOST/x', 'http://api.localhost/x']) {
      assert.ok(parseEndpoint(url, false), url);
    }
    for (const url of ['http://127.0.0.1.example.com/x', 'http://[::2]/x', 'http://[::ffff:127.0.0.1]/x', 'http://128.0.0.1/x', 'http://localhost.example.com/x']) {
      assert.throws(() => parseEndpoint(url, false), /--allow-insecure-endpoint/, url);
    }
  });

  it('refuses plain http on the network unless allowed', () => {
    assert.throws(() => parseEndpoint('http://telemetry.example/x', false), (e: unknown) => e instanceof UserError && /--allow-insecure-endpoint/.test(e.message));
    assert.equal(parseEndpoint('http://telemetry.example/x', true).protocol, 'http:');
  });

  it('refuses what is not an http(s) URL, and credentials in the URL', () => {
    assert.throws(() => parseEndpoint('telemetry.example', false), /not a URL/);
    assert.throws(() => parseEndpoint('ftp://telemetry.example/', false), /not supported/);
    assert.throws(() => parseEndpoint('https://user:pw@telemetry.example/', false), /credentials/);
  });
});

describe('isLoopbackHost', () => {
  const cases: [string, boolean][] = [['localhost', true], ['127.0.0.1', true], ['127.8.9.10', true], ['[::1]', true], ['10.0.0.1', false], ['example.com', false], ['localhost.example.com', false]];
  for (const [host, expected] of cases) it(`${host} → ${expected}`, () => assert.equal(isLoopbackHost(host), expected));
});
