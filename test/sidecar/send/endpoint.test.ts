import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeWrongPath, endpointPathWarning, isLoopbackHost, parseEndpoint, suggestedEndpoint } from '../../../src/sidecar/send/endpoint.ts';
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

describe('suggestedEndpoint', () => {
  const cases: [string, string | undefined][] = [
    ['https://telemetry.example/', 'https://telemetry.example/connect/telemetry'],
    ['http://127.0.0.1:4300', 'http://127.0.0.1:4300/connect/telemetry'],
    ['https://telemetry.example/telemetry', 'https://telemetry.example/connect/telemetry'],
    ['https://telemetry.example/connect/telemetry/', 'https://telemetry.example/connect/telemetry'],
    ['https://telemetry.example/connect/telemetry', undefined],
    ['https://telemetry.example/ingest/connect/telemetry', undefined],
  ];
  for (const [url, expected] of cases) it(`${url} → ${expected ?? 'nothing to change'}`, () => assert.equal(suggestedEndpoint(new URL(url)), expected));
});

describe('describeWrongPath', () => {
  it("names the URL posted to, the server's reason and the endpoint to set", () => {
    assert.equal(
      describeWrongPath(404, new URL('http://127.0.0.1:4300/'), 'not found; reports go to POST /connect/telemetry'),
      'HTTP 404 from http://127.0.0.1:4300/ ("not found; reports go to POST /connect/telemetry"); ' +
        'if it is a connect-telemetry collector, set --endpoint to http://127.0.0.1:4300/connect/telemetry',
    );
  });

  it('leaves out the query, which may hold a token', () => {
    assert.equal(describeWrongPath(405, new URL('https://telemetry.example/connect/telemetry?token=secret'), 'use POST'), 'HTTP 405 from https://telemetry.example/connect/telemetry ("use POST")');
  });

  it('says only what it knows when there is no reason and the path is already the report path', () => {
    assert.equal(describeWrongPath(404, new URL('https://telemetry.example/connect/telemetry'), undefined), 'HTTP 404 from https://telemetry.example/connect/telemetry');
  });
});

describe('endpointPathWarning', () => {
  it('warns about an endpoint without a path', () => {
    assert.match(endpointPathWarning(new URL('https://telemetry.example')) ?? '', /set --endpoint to https:\/\/telemetry\.example\/connect\/telemetry$/);
  });

  it('says nothing about an endpoint with a path', () => {
    assert.equal(endpointPathWarning(new URL('https://telemetry.example/connect/telemetry')), undefined);
    assert.equal(endpointPathWarning(new URL('https://telemetry.example/v1/reports')), undefined);
  });
});
