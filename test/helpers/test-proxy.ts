/**
 * A real proxy on 127.0.0.1 that tunnels (CONNECT) and forwards
 * (absolute-form requests) to one port on 127.0.0.1, whatever host the client
 * asked for, and records what it was asked: so an endpoint named off this
 * machine (`telemetry.test`, which no resolver knows) is reachable only
 * through it.
 */
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface TestProxy {
  url: string;
  /** `CONNECT` targets asked for, in order. */
  tunnels: string[];
  /** Absolute-form request targets forwarded, in order. */
  forwarded: string[];
  close(): void;
}

/** A proxy that sends every tunnel and every forwarded request to `port` on 127.0.0.1, or answers CONNECT with `connectStatus`. */
export async function startProxy(port: () => number, connectStatus = 200): Promise<TestProxy> {
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
