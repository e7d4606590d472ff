/**
 * The fleet: active instances per UTC day, uptime and platforms. The daily
 * counts come from the rollups kept at ingest: with no least uptime (and no
 * report newer than the window's end), every instance that reported inside
 * the window is active, so whole days are read from the per-day counters
 * (summed over the sets by the database: one row a day, however many sets)
 * and only the window's first, partial day from that day's activity rows;
 * otherwise each day's activity rows are checked against the active instances.
 */
import { dayDate, dayOf } from '../collector/storage/activity-rollup.ts';
import type { ActiveInstances, ActiveSelection, DayCount, FleetReader } from '../collector/storage/fleet-reader.ts';
import type { Fleet, UptimeBucket } from './report-model.ts';

export const UPTIME_BUCKETS: readonly Omit<UptimeBucket, 'instances'>[] = [
  { label: '< 1h', from: 0, to: 3600 },
  { label: '1h – 1d', from: 3600, to: 86_400 },
  { label: '1d – 7d', from: 86_400, to: 604_800 },
  { label: '7d – 30d', from: 604_800, to: 2_592_000 },
  { label: '≥ 30d', from: 2_592_000, to: null },
];
export const UPTIME_EDGES = UPTIME_BUCKETS.map((b) => b.from);

async function dailyCounts(reader: FleetReader, selection: ActiveSelection): Promise<DayCount[]> {
  const latest = await reader.latestReportAt();
  if (selection.minUptime > 0 || (latest !== null && latest > selection.to)) return reader.activeDays(selection);
  const first = dayOf(selection.from);
  const last = dayOf(selection.to);
  const days = new Map<number, DayCount>();
  const head = await reader.dayFrom(first, selection.from);
  days.set(first, { day: first, ...head });
  if (last > first) for (const row of await reader.dayTotals(first + 1, last)) days.set(row.day, row);
  return [...days.values()].filter((d) => d.instances > 0).sort((a, b) => a.day - b.day);
}

export async function fleetOf(reader: FleetReader, selection: ActiveSelection, active: ActiveInstances): Promise<Fleet> {
  const daily = await dailyCounts(reader, selection);
  const platforms = new Map<string, { os: string; arch: string; instances: number }>();
  for (const p of active.platforms) {
    const os = p.os ?? 'unknown';
    const arch = p.arch ?? 'unknown';
    const entry = platforms.get(`${os}/${arch}`) ?? { os, arch, instances: 0 };
    entry.instances += p.instances;
    platforms.set(`${os}/${arch}`, entry);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    reports: daily.reduce((sum, d) => sum + d.reports, 0),
    daily: daily.map((d) => ({ day: dayDate(d.day), instances: d.instances })),
    uptime: { median: active.uptime.median, buckets: UPTIME_BUCKETS.map((bucket, i) => ({ ...bucket, instances: active.uptime.counts[i] ?? 0 })) },
    platforms: [...platforms.values()].sort((a, b) => b.instances - a.instances || cmp(a.os, b.os) || cmp(a.arch, b.arch)),
  };
}
