/**
 * When to try a report again, and after how long. Pure.
 * Network errors, 408, 429 and 5xx are worth retrying; other 4xx mean the
 * server will refuse the same request again.
 */

export const MAX_ATTEMPTS = 4;
export const BASE_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 60_000;
/** A server may ask for a pause, but never for longer than this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Exponential backoff with full jitter (attempt 1 → up to 1 s, 2 → 2 s …),
 * or the server's Retry-After when it gave one.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number, baseMs = BASE_BACKOFF_MS): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
