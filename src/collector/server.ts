/**
 * The collector's HTTP edge: `POST /connect/telemetry`, `GET /healthz`
 * (liveness: the process answers) and `GET /readyz` (readiness: the database
 * answers). A report is answered 204 only after storage has committed it;
 * every refusal says why. The sender's address is neither stored nor logged.
 *
 * Connections and requests are bounded: the head and the whole request must
 * arrive within their timeouts, an idle keep-alive connection is closed, and
 * the connection guard holds the number open under a ceiling. While the
 * database is unavailable, reports are answered 503 with Retry-After.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorCode, errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { REPORT_PATH } from '../lib/report-path.ts';
import { createConnectionGuard } from './connection-guard.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { claimsOf, isClientGone, readBody, Refusal } from './read-report.ts';
import { createReadiness, type Readiness } from './readiness.ts';
import { validateReport, type KnownPlugins, type Report } from './validate-report.ts';
import { isStorageUnavailable } from './storage/storage-unavailable.ts';
import type { ReportToken, Storage } from './storage/storage.ts';
import type { JwtReader } from './verify-jwt.ts';

export { REPORT_PATH };

export interface ConnectionLimits {
  /** The request head must arrive within this (ms). */
  headerTimeoutMs: number;
  /** The whole request, body included, must arrive within this (ms); at least headerTimeoutMs. */
  bodyTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveTimeoutMs: number;
  /** Connections open at most. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { headerTimeoutMs: 10_000, bodyTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 512 };
/** `/readyz` answers 503 when the database has not answered within this. */
export const READY_DEADLINE_MS = 2_000;
/** Retry-After (s) while the database is unavailable: the sender waits, then tries again. */
export const STORAGE_RETRY_AFTER_S = 30;

/** Answers a request it knows (true), or leaves it to the collector (false). */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface CollectorDeps {
  storage: Storage;
  /** More routes on the same address (the dashboard, when `collect --ui` puts it there). */
  extraRoutes?: ExtraRoutes | undefined;
  jwt: JwtReader;
  logger: Logger;
  now: () => number;
  maxBodyBytes: number;
  /** Names stored as they are; any other name is stored as `unknown`. */
  known: KnownPlugins;
  /** At most one stored report per instance ID per this many ms (429 otherwise); undefined: no limit. */
  rateLimitMs?: number | undefined;
  limits?: Partial<ConnectionLimits>;
}

export interface RunningCollector {
  /** Where it listens (the real port when 0 was asked for). */
  host: string;
  port: number;
  /** Stops accepting, waits for requests in flight (up to `graceMs`), then returns. */
  close(graceMs?: number): Promise<void>;
}

/** What the handler needs from the server around it. */
interface HandlerHooks {
  closing(): boolean;
  /** The report's body is in: its connection is busy until answered. */
  bodyRead(req: IncomingMessage): void;
}

interface Answer {
  (res: ServerResponse, status: number, text?: string, headers?: Record<string, string>): void;
}

/** Logs a database outage once when it starts and once when it ends, not once per report. */
function outageLog(logger: Logger) {
  let down = false;
  return {
    failed(error: unknown) {
      if (down) return logger.debug({ reason: errorMessage(error) }, 'database still unavailable');
      down = true;
      logger.warn({ reason: errorMessage(error) }, 'database unavailable: reports are answered 503 until it is back');
    },
    succeeded() {
      if (!down) return;
      down = false;
      logger.info('database available again');
    },
  };
}

export function createCollectorHandler(deps: CollectorDeps, hooks: HandlerHooks) {
  const readiness = createReadiness(() => deps.storage.ping(), READY_DEADLINE_MS);
  const limiter = deps.rateLimitMs === undefined ? undefined : createRateLimiter(deps.rateLimitMs);
  const outage = outageLog(deps.logger);
  const answer: Answer = (res, status, text, headers = {}) => {
    if (hooks.closing()) res.setHeader('connection', 'close');
    if (text === undefined) res.writeHead(status, headers).end();
    else res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
  };
  const receive = createReceiver(deps, hooks, answer, { limiter, outage });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'use GET');
      return path === '/healthz' ? health(res, deps, hooks) : ready(res, deps, hooks, readiness);
    }
    if (path !== REPORT_PATH) {
      if (deps.extraRoutes && (await deps.extraRoutes(req, res))) return;
      return answer(res, 404, `not found; reports go to POST ${REPORT_PATH}`);
    }
    if (req.method !== 'POST') return answer(res, 405, 'use POST', { allow: 'POST' });
    await receive(req, res);
  };
}

/** Liveness: cheap, and true while the process can answer at all; a database outage does not make it fail. */
function health(res: ServerResponse, deps: CollectorDeps, hooks: HandlerHooks): void {
  const closing = hooks.closing();
  res.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: closing ? 'stopping' : 'ok', storage: deps.storage.kind }));
}

/** Readiness: whether a report sent now would be stored. */
async function ready(res: ServerResponse, deps: CollectorDeps, hooks: HandlerHooks, readiness: Readiness): Promise<void> {
  const status = hooks.closing() ? 'stopping' : (await readiness.check()) ? 'ready' : 'database unavailable';
  res.writeHead(status === 'ready' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status, storage: deps.storage.kind }));
}

/** Reads, checks and stores one report, and answers. */
function createReceiver(deps: CollectorDeps, hooks: HandlerHooks, answer: Answer, parts: { limiter: RateLimiter | undefined; outage: ReturnType<typeof outageLog> }) {
  const { logger } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let report: Report;
    let token: ReportToken | undefined;
    try {
      const body = await readBody(req, deps.maxBodyBytes);
      hooks.bodyRead(req);
      const read = await claimsOf(req, body, deps.jwt, deps.now());
      const validation = validateReport(read.claims, deps.known);
      if (!validation.ok) throw new Refusal(400, validation.reason);
      ({ report } = validation);
      token = read.token;
    } catch (error) {
      return refuse(req, res, error, logger, answer);
    }
    const slot = parts.limiter?.take(report.id, deps.now());
    if (slot && !slot.ok) {
      logger.debug({ instance: report.id }, 'report refused: rate limit');
      return answer(res, 429, 'this instance has sent a report too recently; try again later', { 'retry-after': String(Math.ceil(slot.retryAfterMs / 1000)) });
    }
    try {
      const outcome = await deps.storage.store(report, deps.now(), token);
      parts.outage.succeeded();
      if (outcome === 'replay') slot?.giveBack();
      logger.debug({ instance: report.id, components: report.components.length, outcome }, outcome === 'replay' ? 'replayed token acknowledged, not stored again' : 'report stored');
      answer(res, 204);
    } catch (error) {
      slot?.giveBack();
      if (isStorageUnavailable(error)) {
        parts.outage.failed(error);
        return answer(res, 503, 'the database is unavailable; try again later', { 'retry-after': String(STORAGE_RETRY_AFTER_S) });
      }
      logger.error({ err: error }, 'could not store a report');
      answer(res, 503, 'the report could not be stored; try again later');
    }
  };
}

/** Answers a report that was not taken: a Refusal with its reason, a client that left with nothing. */
function refuse(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger, answer: Answer): void {
  if (isClientGone(error)) {
    logger.debug({ code: errorCode(error) }, 'client went away before its report was read');
    return;
  }
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

/** A malformed or timed-out request: answered as Node would, logged at debug without a stack. */
function onClientError(logger: Logger) {
  return (error: Error, socket: Socket) => {
    const code = errorCode(error);
    logger.debug({ code }, 'connection closed: malformed, timed out or aborted request');
    if (socket.writable && code !== 'ECONNRESET' && code !== 'EPIPE') {
      const status = code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  };
}

function listen(server: Server, listenOn: { host: string; port: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn.port, listenOn.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function createHttpServer(limits: ConnectionLimits, handle: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer(
    {
      headersTimeout: limits.headerTimeoutMs,
      requestTimeout: limits.bodyTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let them run far past).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headerTimeoutMs / 4))),
    },
    handle,
  );
}

export async function startCollector(listenOn: { host: string; port: number }, deps: CollectorDeps): Promise<RunningCollector> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  let closing = false;
  const guard = createConnectionGuard(limits.maxConnections, {
    evicted: () => deps.logger.debug('connection limit reached: closed the connection that waited longest'),
    refused: () => deps.logger.debug('connection limit reached and every connection busy: refused a new one'),
  });
  const handler = createCollectorHandler(deps, { closing: () => closing, bodyRead: (req) => guard.busy(req.socket) });
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createHttpServer(limits, (req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      guard.waiting(req.socket);
      if (inFlight === 0) drained?.();
    });
    void handler(req, res);
  });
  server.on('connection', (socket: Socket) => guard.admit(socket));
  server.on('clientError', onClientError(deps.logger));
  await listen(server, listenOn);
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    async close(graceMs = 10_000) {
      closing = true;
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
