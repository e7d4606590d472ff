/**
 * HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, with a real proxy on
 * 127.0.0.1 that tunnels (CONNECT) and forwards (absolute-form requests) to
 * the stub collector, whatever host the daemon asked for. Endpoints off this
 * machine are named `telemetry.test` (which no resolver knows, so a report
 * sent without the proxy fails), with a certificate made for that name.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { makeCertificate } from '../helpers/test-certificate.ts';
import { startProxy, type TestProxy } from '../helpers/test-proxy.ts';

const SENT = 'report sent';
const FAILED = 'report failed; dropped until the next period';
const dir = mkdtempSync(join(tmpdir(), 'ct-proxy-'));
writeFileSync(join(dir, 'config.yaml'), 'input:\n  generate: {}\n');
let stateDirs = 0;
const runArgs = (endpoint: string, extra: string[] = []) => [
  'run', '-c', join(dir, 'config.yaml'), '--state-dir', join(dir, `state-${stateDirs++}`), '--endpoint', endpoint, '--delay', '100ms', '--period', '1h', '--timeout', '2s', ...extra,
];

let stub: Stub;
let tls: { server: HttpsServer; port: number; received: string[]; caFile: string };
const proxies: TestProxy[] = [];
const proxyTo = async (port: () => number, connectStatus?: number) => {
  const proxy = await startProxy(port, connectStatus);
  proxies.push(proxy);
  return proxy;
};
const stubPort = () => Number(new URL(stub.url).port);

before(async () => {
  stub = await startStub();
  const certificate = makeCertificate(mkdtempSync(join(tmpdir(), 'ct-proxy-tls-')));
  const received: string[] = [];
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => (received.push(body), res.writeHead(204).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tls = { server, port: (server.address() as AddressInfo).port, received, caFile: certificate.caFile };
});

after(async () => {
  killAllBinaries();
  for (const proxy of proxies) proxy.close();
  tls.server.closeAllConnections();
  tls.server.close();
  await stub.close();
});

const httpsEndpoint = () => `https://telemetry.test:${tls.port}/connect/telemetry`;

describe('proxies', () => {
  it('tunnels an https report through HTTPS_PROXY', async () => {
    const proxy = await proxyTo(() => tls.port);
    const daemon = startBinary(runArgs(httpsEndpoint(), ['--ca-file', tls.caFile]), { HTTPS_PROXY: proxy.url });
    const line = await daemon.waitForLog((l) => l['msg'] === SENT || l['msg'] === FAILED);
    await daemon.stop();
    assert.equal(line['msg'], SENT, JSON.stringify(line));
    assert.deepEqual(proxy.tunnels, [`telemetry.test:${tls.port}`]);
    assert.equal(tls.received.length, 1, 'the report arrived through the tunnel');
  });

  it('goes direct for a host in NO_PROXY', async () => {
    const proxy = await proxyTo(() => tls.port);
    const daemon = startBinary(runArgs(httpsEndpoint(), ['--ca-file', tls.caFile]), { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,.test' });
    const line = await daemon.waitForLog((l) => l['msg'] === SENT || l['msg'] === FAILED);
    await daemon.stop();
    assert.equal(line['msg'], FAILED, 'telemetry.test does not resolve without the proxy');
    assert.match(String(line['error']), /cannot resolve telemetry\.test/);
    assert.deepEqual(proxy.tunnels, []);
  });

  it('never sends a report for this machine through a proxy, whatever the variables say', async () => {
    const proxy = await proxyTo(stubPort);
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ALL_PROXY: proxy.url, http_proxy: proxy.url };
    for (const host of ['127.0.0.1', 'localhost']) {
      const before = stub.received.length;
      const daemon = startBinary(runArgs(stub.url.replace('127.0.0.1', host)), env);
      const line = await daemon.waitForLog((l) => l['msg'] === SENT || l['msg'] === FAILED);
      await daemon.stop();
      assert.equal(line['msg'], SENT, `${host}: ${JSON.stringify(line)}`);
      assert.equal(stub.received.length, before + 1, `${host}: delivered`);
    }
    assert.deepEqual(proxy.tunnels, [], 'nothing tunnelled');
    assert.deepEqual(proxy.forwarded, [], 'nothing forwarded');
  });

  it('forwards a plain-http report through HTTP_PROXY, never tunnelling it', async () => {
    const proxy = await proxyTo(stubPort);
    const endpoint = `http://telemetry.test:${stubPort()}/connect/telemetry`;
    const before = stub.received.length;
    const daemon = startBinary(runArgs(endpoint, ['--allow-insecure-endpoint']), { HTTP_PROXY: proxy.url });
    const line = await daemon.waitForLog((l) => l['msg'] === SENT || l['msg'] === FAILED);
    await daemon.stop();
    assert.equal(line['msg'], SENT, JSON.stringify(line));
    assert.deepEqual(proxy.forwarded, [endpoint]);
    assert.deepEqual(proxy.tunnels, []);
    assert.equal(stub.received.length, before + 1);
  });

  it('does not call a report sent when the proxy refuses the tunnel with a 2xx', async () => {
    const proxy = await proxyTo(() => tls.port, 204);
    const daemon = startBinary(runArgs(httpsEndpoint(), ['--ca-file', tls.caFile, '--timeout', '500ms']), { HTTPS_PROXY: proxy.url });
    const line = await daemon.waitForLog((l) => l['msg'] === SENT || l['msg'] === FAILED, 30_000);
    await daemon.stop();
    assert.equal(line['msg'], FAILED);
    assert.match(String(line['error']), /the proxy 127\.0\.0\.1:\d+ refused the tunnel to telemetry\.test:\d+ \(HTTP 204 to CONNECT\); nothing was sent/);
    assert.equal(tls.received.length, 1, 'nothing more arrived than the first test sent');
  });
});
