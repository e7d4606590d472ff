/**
 * When the next report is due. Pure: state, now and settings in, an instant out.
 *
 * - The first report goes once uptime (now − first start) reaches the delay.
 * - Later reports go one period after the last attempt, so a restart neither
 *   resends early nor resets the clock: due = max(first start + delay,
 *   last report + period).
 * - A fleet started together is spread by a stable per-instance offset,
 *   derived from the instance ID, of at most 10 % of the shorter of the
 *   delay and the period.
 */
import { createHash } from 'node:crypto';
import type { State } from './state/state.ts';

/** Schedules one flag away: ours by default, and the one Benthos used. */
export const SCHEDULE_PRESETS = {
  default: { delay: '7d', period: '1h' },
  benthos: { delay: '5m', period: '24h' },
} as const;
export type SchedulePreset = (typeof SCHEDULE_PRESETS)[keyof typeof SCHEDULE_PRESETS];

export interface ScheduleSettings {
  delayMs: number;
  periodMs: number;
}

/** A fraction in [0, 1) that is the same for an instance ID on every start. */
export function instanceFraction(instanceId: string): number {
  const digest = createHash('sha256').update(instanceId).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export const MAX_SPREAD_FRACTION = 0.1;

export function spreadOffsetMs(instanceId: string, settings: ScheduleSettings): number {
  const span = settings.delayMs > 0 ? Math.min(settings.delayMs, settings.periodMs) : settings.periodMs;
  return Math.floor(instanceFraction(instanceId) * MAX_SPREAD_FRACTION * span);
}

export function nextReportAt(state: State, settings: ScheduleSettings): number {
  const firstDue = state.firstStartedAt + settings.delayMs;
  const afterLast = state.lastReport ? state.lastReport.at + settings.periodMs : Number.NEGATIVE_INFINITY;
  return Math.max(firstDue, afterLast) + spreadOffsetMs(state.instanceId, settings);
}
