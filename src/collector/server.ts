/**
 * The collector's HTTP edge: `POST /connect/telemetry` and `GET /healthz`.
 * A report is answered 204 only after storage has committed it; every refusal
 * says why. The sender's address is neither stored nor logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/logger.ts';
import { REPORT_PATH } from '../lib/report-path.ts';
import type { Storage } from './storage/storage.ts';
import { validateReport } from './validate-report.ts';
import type { JwtReader } from './verify-jwt.ts';

export { REPORT_PATH };

export interface CollectorDeps {
  storage: Storage;
  jwt: JwtReader;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
}

export interface RunningCollector {
  /** Where it listens (the real port when 0 was asked for). */
  host: string;
  port: number;
  /** Stops accepting, waits for requests in flight (up to `graceMs`), then returns. */
  close(graceMs?: number): Promise<void>;
}

class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new Refusal(413, `the body is ${declared} bytes; at most ${limit} are accepted`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new Refusal(413, `the body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What the body holds, by its media type; the signature is checked here too. */
async function claimsOf(req: IncomingMessage, body: Buffer, jwt: JwtReader): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') {
    if (jwt.requiresSignature) throw new Refusal(401, 'this collector accepts only signed reports: send an RS256 JWT as text/plain');
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new Refusal(400, 'the body is not JSON');
    }
  }
  if (mediaType === 'text/plain') {
    const result = await jwt.read(body.toString('utf8'));
    if (!result.ok) throw new Refusal(result.status, result.reason);
    return result.claims;
  }
  throw new Refusal(415, 'send the report as application/json, or as a JWT in text/plain');
}

export function createCollectorHandler(deps: CollectorDeps, state: { closing: boolean } = { closing: false }) {
  const { logger } = deps;
  const answer = (res: ServerResponse, status: number, text?: string) => {
    if (state.closing) res.setHeader('connection', 'close');
    if (text === undefined) {
      res.writeHead(status).end();
    } else {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
    }
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'use GET');
      res.setHeader('content-type', 'application/json');
      res.writeHead(state.closing ? 503 : 200).end(JSON.stringify({ status: state.closing ? 'stopping' : 'ok', storage: deps.storage.kind }));
      return;
    }
    if (path !== REPORT_PATH) return answer(res, 404, `not found; reports go to POST ${REPORT_PATH}`);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(res, 405, 'use POST');
    }
    try {
      const body = await readBody(req, deps.maxBodyBytes);
      const claims = await claimsOf(req, body, deps.jwt);
      const validation = validateReport(claims);
      if (!validation.ok) throw new Refusal(400, validation.reason);
      const { report } = validation;
      try {
        await deps.storage.store(report, deps.now());
      } catch (error) {
        logger.error({ err: error }, 'could not store a report');
        return answer(res, 503, 'the report could not be stored; try again later');
      }
      logger.debug({ instance: report.id, components: report.components.length }, 'report stored');
      answer(res, 204);
    } catch (error) {
      if (!(error instanceof Refusal)) {
        logger.error({ err: error }, 'unexpected error while reading a report');
        return answer(res, 500, 'unexpected error');
      }
      logger.info({ status: error.status, reason: error.message }, 'report refused');
      if (error.status === 413) {
        // Do not read the rest of an oversized body: answer, then drop the connection.
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
      }
      answer(res, error.status, error.message);
    }
  };
}

export async function startCollector(listen: { host: string; port: number }, deps: CollectorDeps): Promise<RunningCollector> {
  const state = { closing: false };
  const handler = createCollectorHandler(deps, state);
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    void handler(req, res);
  });
  server.keepAliveTimeout = 5_000;
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
    async close(graceMs = 10_000) {
      state.closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([idle, deadline]);
      clearTimeout(timer);
      // Requests have been answered; close what is left (idle keep-alive sockets, or stragglers past the grace period).
      server.closeAllConnections();
      await closed;
    },
  };
}
