/**
 * HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, with a real proxy on
 * 127.0.0.1 that tunnels (CONNECT) and forwards (absolute-form requests) to
 * the stub collector, whatever host the daemon asked for. Endpoints off this
 * machine are named `telemetry.test` (which no resolver knows, so a report
 * sent without the proxy fails), with a certificate made for that name.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';

const SENT = 'report sent';
const FAILED = 'report failed; dropped until the next period';
const dir = mkdtempSync(join(tmpdir(), 'ct-proxy-'));
writeFileSync(join(dir, 'config.yaml'), 'input:\n  generate: {}\n');
let stateDirs = 0;
const runArgs = (endpoint: string, extra: string[] = []) => [
  'run', '-c', join(dir, 'config.yaml'), '--state-dir', join(dir, `state-${stateDirs++}`), '--endpoint', endpoint, '--delay', '100ms', '--period', '1h', '--timeout', '2s', ...extra,
];

interface Proxy {
  url: string;
  /** `CONNECT` targets asked for, in order. */
  tunnels: string[];
  /** Absolute-form request targets forwarded, in order. */
  forwarded: string[];
  close(): void;
}

/** A proxy that sends every tunnel and every forwarded request to `port` on 127.0.0.1, or answers CONNECT with `connectStatus`. */
async function startProxy(port: () => number, connectStatus = 200): Promise<Proxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const proxy = createServer((req, res) => {
    forwarded.push(String(req.url));
    const target = new URL(String(req.url));
    const upstream = request({ host: '127.0.0.1', port: port(), method: req.method, path: target.pathname, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  proxy.on('connect', (req, client, head) => {
    tunnels.push(String(req.url));
    if (connectStatus !== 200) {
      client.end(`HTTP/1.1 ${connectStatus} No Content\r\n\r\n`);
      return;
    }
    const upstream = connect(port(), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels, forwarded, close: () => (proxy.closeAllConnections(), proxy.close()) };
}

/** A CA, and a certificate it signed for telemetry.test. */
function makeCertificate(certDir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=proxy test CA');
  ssl('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=telemetry.test');
  writeFileSync(join(certDir, 'server.ext'), 'subjectAltName=DNS:telemetry.test\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  const read = (name: string) => readFileSync(join(certDir, name), 'utf8');
  return { caFile: join(certDir, 'ca.pem'), key: read('server.key'), cert: read('server.pem') };
}

let stub: Stub;
let tls: { server: HttpsServer; port: number; received: string[]; caFile: string };
const proxies: Proxy[] = [];
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
