/**
 * What the analysis may ask of a store: a few summaries, each computed by the
 * database (or in one pass over its rows), never a row per report. The
 * analysis turns them into plugins, pairings, trends and the fleet.
 */
import type { Span } from './activity-rollup.ts';

/** Active instances: latest report received in [from, to], latest uptime at least `minUptime` seconds. */
export interface ActiveSelection {
  from: number;
  to: number;
  minUptime: number;
}

export interface PlatformCount {
  os: string | null;
  arch: string | null;
  instances: number;
}

export interface ActiveInstances {
  instances: number;
  /** Active instances per component set id (sets no active instance uses are absent). */
  bySet: Map<number, number>;
  platforms: PlatformCount[];
  uptime: {
    /** Active instances per uptime range: counts[i] for [edges[i], edges[i + 1]), the last open-ended. */
    counts: number[];
    /** The lower median of the active instances' uptimes; null without any. */
    median: number | null;
  };
}

export interface StoredPlugin {
  type: string;
  name: string;
}

export interface StoredSets {
  /** Every plugin ever reported, by id. */
  plugins: Map<number, StoredPlugin>;
  /** Every component set, by id: its plugins and their occurrences. */
  sets: Map<number, { plugin: number; occurrences: number }[]>;
}

export interface DayCount {
  day: number;
  instances: number;
  reports: number;
}

export interface PeriodSetCount {
  /** The period's first day. */
  day: number;
  setId: number;
  instances: number;
  reports: number;
}

export interface FleetReader {
  /** One pass over the instances. `uptimeEdges` are ascending, from 0. */
  activeInstances(selection: ActiveSelection, uptimeEdges: readonly number[]): Promise<ActiveInstances>;
  componentSets(): Promise<StoredSets>;
  /** When the newest report stored arrived; null for an empty store. */
  latestReportAt(): Promise<number | null>;
  /** The counters kept at ingest for the periods of `span` days starting in [firstDay, lastDay]. */
  periodSetCounts(span: Span, firstDay: number, lastDay: number): Promise<PeriodSetCount[]>;
  /** The daily counters of days [firstDay, lastDay] summed over the sets: one row per day that has any. */
  dayTotals(firstDay: number, lastDay: number): Promise<DayCount[]>;
  /**
   * Instances whose latest report of a period (of `span`, starting in
   * [firstDay, lastDay]) has an uptime of at least `minUptime`, per period and set.
   */
  periodSetsWithUptime(span: Span, firstDay: number, lastDay: number, minUptime: number): Promise<PeriodSetCount[]>;
  /** Instances with a report on `day` at or after `from`, and all their reports of that day. */
  dayFrom(day: number, from: number): Promise<Omit<DayCount, 'day'>>;
  /**
   * Per UTC day of the selection: active instances with a report inside
   * [from, to] that day, and all their reports of that day. Days without any are left out.
   */
  activeDays(selection: ActiveSelection): Promise<DayCount[]>;
  /** Instances ever seen, and when the latest of them last reported. */
  totals(): Promise<{ instances: number; lastSeenAt: number | null }>;
  /** Instances that sent any report, and those that sent at least `atLeast`. */
  reportTally(atLeast: number): Promise<{ instances: number; atLeast: number }>;
}
