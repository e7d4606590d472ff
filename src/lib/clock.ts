/**
 * Time, injected: the daemon's code never calls Date.now, setTimeout or
 * setInterval directly, only these, so schedules, time limits and the lock's
 * heartbeat are tested in milliseconds without real waiting.
 */

/** Cancels a timer set with `Clock.after`; harmless once it has fired. */
export type CancelTimer = () => void;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once, `ms` from now, unless cancelled first. */
  after(ms: number, fn: () => void): CancelTimer;
}

/** Node's timers overflow past 2^31−1 ms (24.8 days); longer waits are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function after(ms: number, fn: () => void): CancelTimer {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.max(0, Math.min(left, MAX_TIMER_MS)));
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/** A sleep built on a clock's `after`, for any clock. */
export function sleepWith(clock: Pick<Clock, 'after'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepWith(systemClock, ms, signal),
  after,
};

/** Sleeps until the clock reads `instant` (re-checking, so long waits and clock jumps are safe). */
export async function sleepUntil(clock: Clock, instant: number, signal?: AbortSignal): Promise<void> {
  for (let left = instant - clock.now(); left > 0 && !signal?.aborted; left = instant - clock.now()) {
    await clock.sleep(Math.min(left, MAX_TIMER_MS), signal);
  }
}

/**
 * Resolves when `signal` aborts. The clock's timer holds the event loop open
 * meanwhile: an abort listener alone would let the process exit.
 */
export const untilAborted = (clock: Clock, signal: AbortSignal): Promise<void> => sleepUntil(clock, Number.POSITIVE_INFINITY, signal);
