/**
 * Time, injected: the daemon never calls Date.now or setTimeout directly, so
 * schedules are tested in milliseconds without real waiting.
 */

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node's timers overflow past 2^31−1 ms (24.8 days); longer waits are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Sleeps until the clock reads `instant` (re-checking, so long waits and clock jumps are safe). */
export async function sleepUntil(clock: Clock, instant: number, signal?: AbortSignal): Promise<void> {
  for (let left = instant - clock.now(); left > 0 && !signal?.aborted; left = instant - clock.now()) {
    await clock.sleep(Math.min(left, MAX_TIMER_MS), signal);
  }
}
