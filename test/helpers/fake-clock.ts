import { sleepWith, type CancelTimer, type Clock } from '../../src/lib/clock.ts';

/**
 * A clock that moves only when told. Timers fire, and sleepers wake, when
 * `advance` passes their instant, so schedules run in microseconds of real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: { until: number; fire: () => void }[] = [];
  /** Every sleep requested, in ms, for assertions. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): CancelTimer {
    const timer = { until: this.current + Math.max(0, ms), fire: fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return sleepWith(this, ms, signal);
  }

  /** Moves time forward, firing timers in order and letting their work run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.until <= target).sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.until);
      this.timers = this.timers.filter((t) => t !== next);
      next.fire();
    }
    this.current = target;
    await settle();
  }

  /** Timers and sleepers still waiting. */
  get pending(): number {
    return this.timers.length;
  }
}

/**
 * Lets pending promise callbacks and real I/O (state file writes, config
 * reads) run: a few short real pauses, since fake time cannot move the disk.
 */
export async function settle(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 3));
}
