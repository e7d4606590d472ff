/**
 * HTTPS_PROXY / HTTP_PROXY and NO_PROXY, with a real CONNECT proxy on 127.0.0.1.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub } from '../helpers/collector-stub.ts';

after(killAllBinaries);

async function startProxy() {
  const tunnels: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels, close: () => (proxy.closeAllConnections(), proxy.close()) };
}

describe('proxies', () => {
  it('sends through the proxy named by HTTP_PROXY/HTTPS_PROXY, and not for hosts in NO_PROXY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-proxy-'));
    writeFileSync(join(dir, 'config.yaml'), 'input:\n  generate: {}\n');
    const server = await startStub();
    const proxy = await startProxy();
    const args = (state: string) => ['run', '-c', join(dir, 'config.yaml'), '--state-dir', join(dir, state), '--endpoint', server.url, '--delay', '100ms', '--period', '1h'];
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };

    const proxied = startBinary(args('a'), env);
    await server.waitFor(1);
    await proxied.stop();
    const target = new URL(server.url).host;
    assert.deepEqual(proxy.tunnels, [target]);

    const direct = startBinary(args('b'), { ...env, NO_PROXY: '127.0.0.1' });
    await server.waitFor(2);
    await direct.stop();
    assert.deepEqual(proxy.tunnels, [target], 'no tunnel for a NO_PROXY host');
    proxy.close();
    await server.close();
  });
});
