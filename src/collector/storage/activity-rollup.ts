/**
 * The rollups kept at ingest, so that nothing at report time reads the raw
 * reports: one activity row per instance per UTC day and per ISO week (the
 * set and uptime of its latest report in that period, its first and last
 * report time, how many reports), and counters per period and component set
 * (instances whose latest report of the period had that set, and reports
 * carrying it). Pure: a batch of reports and the rows they touch in, the
 * rows to write and the counter changes out; both stores run it.
 */

export const DAY_MS = 86_400_000;

/** Period lengths kept, in days: a UTC day and an ISO week (Monday to Sunday, UTC). */
export const SPANS = [1, 7] as const;
export type Span = (typeof SPANS)[number];

/** The UTC day number (days since 1970-01-01) of an instant. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The first day of the period of `span` days holding `day`: itself, or the Monday of its week. */
export function periodStart(span: Span, day: number): number {
  if (span === 1) return day;
  // Day 0 (1970-01-01) was a Thursday: three days after a Monday.
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** The date of a day number, as YYYY-MM-DD. */
export const dayDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** One instance's activity in one period. */
export interface ActivityRow {
  span: Span;
  /** The period's first day. */
  day: number;
  /** The instance's integer key. */
  instance: number;
  /** Set and uptime of the instance's latest report in the period. */
  setId: number;
  uptime: number;
  firstAt: number;
  lastAt: number;
  reports: number;
}

/** A change to one period's counters for one component set. */
export interface CounterDelta {
  span: Span;
  day: number;
  setId: number;
  instances: number;
  reports: number;
}

/** One stored report, as the rollup sees it. */
export interface ActivityInput {
  instance: number;
  at: number;
  setId: number;
  uptime: number;
}

export const activityKey = (span: Span, day: number, instance: number | string): string => `${span}:${day}:${instance}`;

/** The activity rows a batch touches: read them before rolling it up (an instance by its integer key, or by its id as reported). */
export function activityKeys<I extends number | string>(inputs: readonly { instance: I; at: number }[]): { span: Span; day: number; instance: I }[] {
  const keys = new Map<string, { span: Span; day: number; instance: I }>();
  for (const input of inputs) {
    for (const span of SPANS) {
      const day = periodStart(span, dayOf(input.at));
      keys.set(activityKey(span, day, input.instance), { span, day, instance: input.instance });
    }
  }
  return [...keys.values()];
}

/**
 * Applies a batch, in order, to the current rows (`current`, keyed by
 * activityKey; missing keys have no row yet). A report newer than (or as new
 * as) the period's latest replaces its set and uptime; an older one only
 * counts. Returns the rows to write (whole) and the counter changes, both
 * sorted by key, so that concurrent writers take row locks in one order.
 */
export function rollUp(inputs: readonly ActivityInput[], current: ReadonlyMap<string, ActivityRow>): { rows: ActivityRow[]; counters: CounterDelta[] } {
  const rows = new Map<string, ActivityRow>();
  const counters = new Map<string, CounterDelta>();
  const count = (span: Span, day: number, setId: number, instances: number, reports: number) => {
    const key = `${span}:${day}:${setId}`;
    const delta = counters.get(key) ?? { span, day, setId, instances: 0, reports: 0 };
    delta.instances += instances;
    delta.reports += reports;
    counters.set(key, delta);
  };
  for (const input of inputs) {
    for (const span of SPANS) {
      const day = periodStart(span, dayOf(input.at));
      const key = activityKey(span, day, input.instance);
      const known = rows.get(key) ?? current.get(key);
      count(span, day, input.setId, 0, 1);
      if (known === undefined) {
        rows.set(key, { span, day, instance: input.instance, setId: input.setId, uptime: input.uptime, firstAt: input.at, lastAt: input.at, reports: 1 });
        count(span, day, input.setId, 1, 0);
        continue;
      }
      const row = { ...known, reports: known.reports + 1, firstAt: Math.min(known.firstAt, input.at) };
      if (input.at >= known.lastAt) {
        if (input.setId !== known.setId) {
          count(span, day, known.setId, -1, 0);
          count(span, day, input.setId, 1, 0);
        }
        row.setId = input.setId;
        row.uptime = input.uptime;
        row.lastAt = input.at;
      }
      rows.set(key, row);
    }
  }
  const order = (a: { span: number; day: number }, b: { span: number; day: number }) => a.span - b.span || a.day - b.day;
  return {
    rows: [...rows.values()].sort((a, b) => order(a, b) || a.instance - b.instance),
    counters: [...counters.values()].filter((c) => c.instances !== 0 || c.reports !== 0).sort((a, b) => order(a, b) || a.setId - b.setId),
  };
}
