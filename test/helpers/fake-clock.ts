import type { Clock } from '../../src/lib/clock.ts';

/**
 * A clock that moves only when told. Sleepers wake when `advance` passes
 * their instant, so schedules run in microseconds of real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: { until: number; wake: () => void }[] = [];
  /** Every sleep requested, in ms, for assertions. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { until: this.current + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }

  /** Moves time forward, waking sleepers in order and letting their work run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.sleepers.filter((s) => s.until <= target).sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.until);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.wake();
    }
    this.current = target;
    await settle();
  }

  get pending(): number {
    return this.sleepers.length;
  }
}

/**
 * Lets pending promise callbacks and real I/O (state file writes, config
 * reads) run: a few short real pauses, since fake time cannot move the disk.
 */
export async function settle(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 3));
}
