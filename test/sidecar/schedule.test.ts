import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceFraction, nextReportAt, spreadOffsetMs, MAX_SPREAD_FRACTION } from '../../src/sidecar/schedule.ts';
import type { State } from '../../src/sidecar/state/state.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const id = '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
const defaults = { delayMs: 7 * DAY, periodMs: HOUR };
const benthos = { delayMs: 5 * 60_000, periodMs: DAY };

describe('nextReportAt', () => {
  const start = Date.UTC(2026, 0, 1);
  const offset = spreadOffsetMs(id, defaults);

  it('waits for the delay after the first start', () => {
    const state: State = { instanceId: id, firstStartedAt: start };
    assert.equal(nextReportAt(state, defaults), start + 7 * DAY + offset);
  });

  it('then reports one period after the last report', () => {
    const last = start + 7 * DAY + offset + 120;
    const state: State = { instanceId: id, firstStartedAt: start, lastReport: { at: last, outcome: 'sent', status: 204 } };
    assert.equal(nextReportAt(state, defaults), last + HOUR + offset);
  });

  it('after a restart, neither resends early nor resets the clock', () => {
    // Restarted 10 minutes after a report: the next one is still a period after it.
    const last = start + 8 * DAY;
    const state: State = { instanceId: id, firstStartedAt: start, lastReport: { at: last, outcome: 'sent' } };
    assert.equal(nextReportAt(state, defaults), last + HOUR + offset);
    // Restarted before the delay was reached: uptime still counts from the first start.
    assert.equal(nextReportAt({ instanceId: id, firstStartedAt: start }, defaults), start + 7 * DAY + offset);
  });

  it('counts a failed report like a sent one: the schedule continues', () => {
    const last = start + 8 * DAY;
    const failed: State = { instanceId: id, firstStartedAt: start, lastReport: { at: last, outcome: 'failed', status: 500 } };
    assert.equal(nextReportAt(failed, defaults), last + HOUR + offset);
  });

  it('supports the Benthos schedule: 5 minutes, then daily', () => {
    const o = spreadOffsetMs(id, benthos);
    assert.equal(nextReportAt({ instanceId: id, firstStartedAt: start }, benthos), start + 5 * 60_000 + o);
    const last = start + 5 * 60_000 + o;
    assert.equal(nextReportAt({ instanceId: id, firstStartedAt: start, lastReport: { at: last, outcome: 'sent' } }, benthos), last + DAY + o);
  });
});

describe('spreadOffsetMs', () => {
  it('is stable for an instance and bounded by 10 % of the shorter of delay and period', () => {
    for (let i = 0; i < 200; i++) {
      const instance = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const offset = spreadOffsetMs(instance, defaults);
      assert.equal(offset, spreadOffsetMs(instance, defaults));
      assert.ok(offset >= 0 && offset < MAX_SPREAD_FRACTION * HOUR, `${offset}`);
      assert.ok(spreadOffsetMs(instance, benthos) < MAX_SPREAD_FRACTION * 5 * 60_000);
    }
  });

  it('spreads a fleet across the window', () => {
    const fractions = Array.from({ length: 1000 }, (_, i) => instanceFraction(`instance-${i}`));
    const buckets = new Array(10).fill(0) as number[];
    for (const f of fractions) buckets[Math.floor(f * 10)]!++;
    // Each tenth of the window gets some instances (expected 100 each).
    for (const count of buckets) assert.ok(count > 50, `bucket count ${count}`);
  });
});
