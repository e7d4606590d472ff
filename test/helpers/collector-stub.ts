/**
 * A real HTTP server on 127.0.0.1 that records what the daemon sends and
 * answers as each test asks (a status, a delay, silence).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Responder = (request: Received, response: ServerResponse) => void;

export const answer204: Responder = (_req, res) => {
  res.writeHead(204).end();
};

export interface Stub {
  server: Server;
  url: string;
  received: Received[];
  respond: Responder;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startStub(respond: Responder = answer204): Promise<Stub> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const stub = {} as Stub;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry = { at: Date.now(), method: req.method, url: req.url, headers: req.headers, body };
      received.push(entry);
      for (const waiter of [...waiters]) if (received.length >= waiter.count) waiter.resolve();
      stub.respond(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(stub, {
    server,
    url: `http://127.0.0.1:${port}/connect/telemetry`,
    received,
    respond,
    waitFor(count: number, timeoutMs = 15_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise<Received[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${received.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return stub;
}
