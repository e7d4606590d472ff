import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleepUntil, systemClock, untilAborted } from '../../src/lib/clock.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

describe('systemClock.after', () => {
  it('calls the function once the time has passed', async () => {
    const fired = await new Promise<boolean>((resolve) => systemClock.after(5, () => resolve(true)));
    assert.equal(fired, true);
  });

  it('never calls a cancelled function', async () => {
    let fired = false;
    const cancel = systemClock.after(5, () => (fired = true));
    cancel();
    await systemClock.sleep(30);
    assert.equal(fired, false);
  });
});

describe('systemClock.sleep', () => {
  it('wakes early, without throwing, when the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
  });
});

describe('sleepUntil', () => {
  it('wakes when the clock reads the instant, not before', async () => {
    const clock = new FakeClock(0);
    let woke = false;
    void sleepUntil(clock, 1000).then(() => (woke = true));
    await clock.advance(999);
    assert.equal(woke, false);
    await clock.advance(1);
    assert.equal(woke, true);
  });
});

describe('untilAborted', () => {
  it('waits through any amount of time, and ends when the signal aborts', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    let ended = false;
    void untilAborted(clock, controller.signal).then(() => (ended = true));
    await clock.advance(100 * 24 * 3600_000);
    assert.equal(ended, false);
    controller.abort();
    await clock.advance(0);
    assert.equal(ended, true);
  });
});
