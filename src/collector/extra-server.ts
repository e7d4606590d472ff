/**
 * A second, plain HTTP listener for extra routes (the dashboard on its own
 * `--ui-listen` address), so the report endpoint can face the internet while
 * the dashboard stays on an internal address. Anything else is a 404.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExtraRoutes } from './server.ts';

export interface ExtraServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startExtraServer(listen: { host: string; port: number }, routes: ExtraRoutes): Promise<ExtraServer> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (await routes(req, res)) return;
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('unexpected error\n');
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
