import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fetch from 'node-fetch';
import { buildAgent } from '../../../src/sidecar/send/http-agent.ts';
import { makeCertificate, type TestCertificate } from '../../helpers/test-certificate.ts';
import { startProxy, type TestProxy } from '../../helpers/test-proxy.ts';

/** A POST through `agent` (undefined: a direct connection), as the sender makes it; the status, or the error's code. */
async function post(url: string, agent: Agent | undefined): Promise<number | string> {
  try {
    const response = await fetch(url, { method: 'POST', body: '{}', agent, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    return response.status;
  } catch (error) {
    const { code, cause } = error as { code?: string; cause?: { code?: string } };
    return cause?.code ?? code ?? String(error);
  }
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

let certificate: TestCertificate;
let https: { server: Server; port: number };
let http: { server: Server; port: number };
const proxies: TestProxy[] = [];
const proxyTo = async (port: number, connectStatus?: number) => {
  const proxy = await startProxy(() => port, connectStatus);
  proxies.push(proxy);
  return proxy;
};

before(async () => {
  certificate = makeCertificate(mkdtempSync(join(tmpdir(), 'ct-agent-tls-')));
  const answer = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(204).end();
  const tlsServer = createHttpsServer({ key: certificate.key, cert: certificate.cert }, answer);
  https = { server: tlsServer, port: await listen(tlsServer) };
  const plainServer = createHttpServer(answer);
  http = { server: plainServer, port: await listen(plainServer) };
});

after(() => {
  for (const proxy of proxies) proxy.close();
  for (const server of [https.server, http.server]) (server.closeAllConnections(), server.close());
});

describe('buildAgent', () => {
  it('uses no agent for a direct connection without a CA file', async () => {
    assert.equal(await buildAgent(new URL('https://telemetry.example/connect/telemetry'), undefined, {}), undefined);
    assert.equal(await buildAgent(new URL('http://telemetry.example/connect/telemetry'), undefined, { HTTPS_PROXY: 'http://proxy.internal:3128' }), undefined);
  });

  it('trusts the CA file for a direct https endpoint, and the public roots still', async () => {
    const url = `https://localhost:${https.port}/connect/telemetry`;
    assert.equal(await post(url, undefined), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'the test CA is not trusted by default');
    const agent = await buildAgent(new URL(url), certificate.caFile, {});
    assert.equal(await post(url, agent), 204);
    const { rootCertificates } = await import('node:tls');
    const trusted = (agent as unknown as { options: { ca?: string[] } }).options.ca ?? [];
    assert.ok(trusted.includes(rootCertificates[0] as string), 'a public root is still trusted');
  });

  it('tunnels an https report through HTTPS_PROXY, trusting the CA file at the far end', async () => {
    const proxy = await proxyTo(https.port);
    const url = `https://telemetry.test:${https.port}/connect/telemetry`;
    const agent = await buildAgent(new URL(url), certificate.caFile, { HTTPS_PROXY: proxy.url });
    assert.equal(await post(url, agent), 204);
    assert.deepEqual(proxy.tunnels, [`telemetry.test:${https.port}`]);
    assert.deepEqual(proxy.forwarded, []);
    assert.equal(agent?.listenerCount('proxyConnect'), 0, 'no listener left on the agent');
  });

  it('tunnels through the proxy without a CA file, trusting only the public roots', async () => {
    const proxy = await proxyTo(https.port);
    const url = `https://telemetry.test:${https.port}/connect/telemetry`;
    const agent = await buildAgent(new URL(url), undefined, { HTTPS_PROXY: proxy.url });
    assert.equal(await post(url, agent), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.deepEqual(proxy.tunnels, [`telemetry.test:${https.port}`]);
  });

  it('fails when the proxy answers CONNECT with anything but 200', async () => {
    const proxy = await proxyTo(https.port, 204);
    const url = `https://telemetry.test:${https.port}/connect/telemetry`;
    const agent = await buildAgent(new URL(url), certificate.caFile, { HTTPS_PROXY: proxy.url });
    assert.equal(await post(url, agent), 'EPROXYREFUSED');
    const refusal = await fetch(url, { method: 'POST', body: '{}', agent }).catch((error: unknown) => error);
    const proxyHost = new URL(proxy.url).host;
    assert.equal(
      (refusal as Error).message,
      `request to ${url} failed, reason: the proxy ${proxyHost} refused the tunnel to telemetry.test:${https.port} (HTTP 204 to CONNECT); nothing was sent`,
    );
    assert.equal(agent?.listenerCount('proxyConnect'), 0, 'no listener left on the agent');
  });

  it('forwards a plain-http report through HTTP_PROXY, never tunnelling it', async () => {
    const proxy = await proxyTo(http.port);
    const url = `http://telemetry.test:${http.port}/connect/telemetry`;
    const agent = await buildAgent(new URL(url), undefined, { HTTP_PROXY: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:9' });
    assert.equal(await post(url, agent), 204);
    assert.deepEqual(proxy.forwarded, [url]);
    assert.deepEqual(proxy.tunnels, []);
  });

  it('goes direct to this machine whatever the proxy variables say', async () => {
    const env = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', ALL_PROXY: 'http://127.0.0.1:9' };
    const url = `https://localhost:${https.port}/connect/telemetry`;
    assert.equal(await post(url, await buildAgent(new URL(url), certificate.caFile, env)), 204);
    assert.equal(await buildAgent(new URL(`http://127.0.0.1:${http.port}/c`), undefined, env), undefined);
  });

  it('says which CA file it cannot read', async () => {
    const missing = join(tmpdir(), 'ct-no-such-dir', 'ca.pem');
    await assert.rejects(buildAgent(new URL('https://telemetry.example/c'), missing, {}), { message: `no such CA file: ${missing}` });
  });
});
