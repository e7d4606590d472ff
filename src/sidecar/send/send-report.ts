/**
 * Sends one report: POST with a per-attempt timeout, a few retries with
 * backoff, never more than one request at a time, never a followed redirect
 * to another origin, and never a response body buffered whole (a 404 or 405
 * gives at most a short one-line reason, read by read-error-reason.ts).
 */
import type { Agent } from 'node:http';
import type { Clock } from '../../lib/clock.ts';
import { errorCode, errorMessage } from '../../lib/errors.ts';
import type { EncodedBody } from './encode-body.ts';
import { describeWrongPath } from './endpoint.ts';
import { discardBody, readErrorReason } from './read-error-reason.ts';
import { isRetryableStatus, MAX_ATTEMPTS, parseRetryAfter, retryDelayMs } from './retry-policy.ts';

/** The slice of fetch (node-fetch) the sender uses; tests pass their own. */
export type FetchLike = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    redirect: 'manual';
    agent?: Agent | undefined;
  },
) => Promise<{ status: number; headers: { get(name: string): string | null }; body: unknown }>;

export interface SendSettings {
  endpoint: URL;
  timeoutMs: number;
  userAgent: string;
  agent?: Agent | undefined;
  /** Give up retrying rather than wait past this instant (the next report's due time). */
  deadline?: number;
}

export interface SendDeps {
  fetch: FetchLike;
  clock: Clock;
  random: () => number;
  retryBaseMs?: number;
  /** Called before each retry, for logging. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface SendResult {
  outcome: 'sent' | 'failed';
  status?: number;
  attempts: number;
  /** Why it failed, in words a user can act on. */
  error?: string;
}

const MAX_REDIRECTS = 3;

interface AttemptResult {
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  error?: string;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_NOT_YET_VALID',
]);

function describeNetworkError(error: unknown, endpoint: URL): { message: string; retryable: boolean } {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown })?.cause);
  if (code && TLS_CODES.has(code)) {
    return { message: `the TLS certificate of ${endpoint.host} is not trusted (${code}); pass --ca-file with the CA that signed it`, retryable: false };
  }
  switch (code) {
    case 'EPROXYREFUSED':
      return { message: /the proxy .*$/.exec(errorMessage(error))?.[0] ?? errorMessage(error), retryable: true };
    case 'ECONNREFUSED':
      return { message: `connection to ${endpoint.host} refused`, retryable: true };
    case 'ECONNRESET':
    case 'EPIPE':
      return { message: `connection to ${endpoint.host} reset`, retryable: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `cannot resolve ${endpoint.hostname} (DNS: ${code})`, retryable: true };
    default:
      return { message: `request to ${endpoint.host} failed: ${errorMessage(error)}`, retryable: true };
  }
}

/**
 * One attempt's abort signal: aborts on shutdown or when the time limit
 * passes on the injected clock. Built by hand and torn down after each
 * attempt: AbortSignal.any() with the daemon's long-lived shutdown signal
 * keeps every attempt's signal alive (about 2 KB each, for good), and
 * AbortSignal.timeout() keeps its timer until it fires.
 */
function attemptSignal(shutdown: AbortSignal, timeoutMs: number, clock: Clock) {
  const controller = new AbortController();
  const state = { timedOut: false };
  const onShutdown = () => controller.abort(shutdown.reason);
  const cancelTimer = clock.after(timeoutMs, () => {
    state.timedOut = true;
    controller.abort(new DOMException('The attempt timed out', 'TimeoutError'));
  });
  if (shutdown.aborted) onShutdown();
  else shutdown.addEventListener('abort', onShutdown, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return state.timedOut;
    },
    dispose() {
      cancelTimer();
      shutdown.removeEventListener('abort', onShutdown);
    },
  };
}

async function attempt(body: EncodedBody, settings: SendSettings, deps: SendDeps, signal: AbortSignal): Promise<AttemptResult> {
  const limit = attemptSignal(signal, settings.timeoutMs, deps.clock);
  try {
    return await attemptWithin(body, settings, deps, signal, limit);
  } finally {
    limit.dispose();
  }
}

async function attemptWithin(
  body: EncodedBody,
  settings: SendSettings,
  deps: SendDeps,
  signal: AbortSignal,
  limit: { signal: AbortSignal; readonly timedOut: boolean },
): Promise<AttemptResult> {
  let url = settings.endpoint;
  const combined = limit.signal;
  for (let hop = 0; ; hop++) {
    let response;
    try {
      response = await deps.fetch(url.href, {
        method: 'POST',
        headers: { 'content-type': body.contentType, 'user-agent': settings.userAgent },
        body: body.body,
        signal: combined,
        redirect: 'manual',
        agent: settings.agent,
      });
    } catch (error) {
      if (signal.aborted) return { retryable: false, error: 'shutting down' };
      if (limit.timedOut) return { retryable: true, error: `no answer from ${url.host} within ${settings.timeoutMs} ms` };
      const described = describeNetworkError(error, url);
      return { retryable: described.retryable, error: described.message };
    }
    const { status } = response;
    if (status === 404 || status === 405) {
      // The one body read: a bounded one-line reason, within this attempt's time limit.
      const reason = await readErrorReason(response.body, response.headers.get('content-type'), combined);
      return { status, retryable: false, error: describeWrongPath(status, url, reason) };
    }
    // Dropped unread, so a huge or trickling body costs nothing.
    discardBody(response.body);
    if (status >= 200 && status < 300) return { status, retryable: false };
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      const target = location ? new URL(location, url) : undefined;
      if (!target) return { status, retryable: false, error: `HTTP ${status} redirect without a Location` };
      if (target.origin !== settings.endpoint.origin) {
        return { status, retryable: false, error: `HTTP ${status} redirect to another origin (${target.origin}) not followed; the payload goes only to the endpoint you named` };
      }
      if ((status !== 307 && status !== 308) || hop >= MAX_REDIRECTS) {
        return { status, retryable: false, error: `HTTP ${status} redirect to ${target.pathname}; set --endpoint to the final URL` };
      }
      url = target;
      continue;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), deps.clock.now());
    return {
      status,
      retryable: isRetryableStatus(status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error: `HTTP ${status} from ${url.host}`,
    };
  }
}

export async function sendReport(body: EncodedBody, settings: SendSettings, deps: SendDeps, signal: AbortSignal): Promise<SendResult> {
  let last: AttemptResult = { retryable: false };
  for (let attemptNo = 1; attemptNo <= MAX_ATTEMPTS; attemptNo++) {
    last = await attempt(body, settings, deps, signal);
    if (!last.error) return { outcome: 'sent', attempts: attemptNo, ...(last.status !== undefined ? { status: last.status } : {}) };
    if (!last.retryable || attemptNo === MAX_ATTEMPTS || signal.aborted) {
      return failure(last, attemptNo);
    }
    const delayMs = retryDelayMs(attemptNo, last.retryAfterMs, deps.random, deps.retryBaseMs);
    if (settings.deadline !== undefined && deps.clock.now() + delayMs >= settings.deadline) {
      return failure({ ...last, error: `${last.error}; no time to retry before the next report` }, attemptNo);
    }
    deps.onRetry?.({ attempt: attemptNo, delayMs, reason: last.error });
    await deps.clock.sleep(delayMs, signal);
    if (signal.aborted) return failure({ ...last, error: 'shutting down' }, attemptNo);
  }
  return failure(last, MAX_ATTEMPTS);
}

function failure(last: AttemptResult, attempts: number): SendResult {
  return { outcome: 'failed', attempts, error: last.error ?? 'unknown failure', ...(last.status !== undefined ? { status: last.status } : {}) };
}
