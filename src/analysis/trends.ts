/**
 * Each plugin over time: per period (UTC days for windows up to 14 days,
 * else ISO weeks), the instances whose latest report in that period used it,
 * over the periods the window touches; and its change: the window's complete
 * periods (all but the last, still in progress) against as many periods
 * just before them. Read from the per-period counters kept at ingest (with a
 * least uptime, from the per-instance activity rows). Pure but for the reads.
 */
import { dayDate, dayOf, periodStart, type Span } from '../collector/storage/activity-rollup.ts';
import type { ActiveSelection, FleetReader, PeriodSetCount, StoredSets } from '../collector/storage/fleet-reader.ts';
import { refText, type PluginRef, type Trend, type Trends } from './report-model.ts';

const DAY_MS = 86_400_000;
/** Windows up to this long get daily periods; longer ones weekly. */
export const DAILY_UP_TO_MS = 14 * DAY_MS;

/** The periods a window touches, and the complete ones compared. */
export function trendPeriods(windowMs: number, from: number, to: number) {
  const span: Span = windowMs <= DAILY_UP_TO_MS ? 1 : 7;
  const first = periodStart(span, dayOf(from));
  const last = periodStart(span, dayOf(to));
  const count = (last - first) / span + 1;
  const complete = count - 1;
  return { span, first, last, count, complete, previousFirst: first - complete * span };
}

/** Instances per period slot, per set: a counter row costs one addition, however many periods have any. */
function perSetSeries(rows: readonly PeriodSetCount[], firstDay: number, span: Span, slots: number): Map<number, number[]> {
  const perSet = new Map<number, number[]>();
  for (const row of rows) {
    let values = perSet.get(row.setId);
    if (!values) perSet.set(row.setId, (values = new Array<number>(slots).fill(0)));
    values[(row.day - firstDay) / span]! += row.instances;
  }
  return perSet;
}

/** Each set's series added to each of its plugins': the sets' plugins are visited once, not once per period. */
function perPluginSeries(perSet: ReadonlyMap<number, readonly number[]>, stored: StoredSets): Map<number, number[]> {
  const perPlugin = new Map<number, number[]>();
  for (const [setId, series] of perSet) {
    for (const { plugin } of stored.sets.get(setId) ?? []) {
      const values = perPlugin.get(plugin);
      if (values) for (let i = 0; i < series.length; i++) values[i]! += series[i]!;
      else perPlugin.set(plugin, [...series]);
    }
  }
  return perPlugin;
}

export async function trendsOf(reader: FleetReader, selection: ActiveSelection, windowMs: number, stored: StoredSets, order: readonly PluginRef[], type?: string): Promise<Trends> {
  const p = trendPeriods(windowMs, selection.from, selection.to);
  const rows =
    selection.minUptime > 0 ? await reader.periodSetsWithUptime(p.span, p.previousFirst, p.last, selection.minUptime) : await reader.periodSetCounts(p.span, p.previousFirst, p.last);
  const perPlugin = perPluginSeries(perSetSeries(rows, p.previousFirst, p.span, p.count + p.complete), stored);
  const dates = Array.from({ length: p.count }, (_, i) => dayDate(p.first + i * p.span));
  const rank = new Map(order.map((ref, i) => [refText(ref), i]));
  const trends: Trend[] = [];
  for (const [id, values] of perPlugin) {
    const ref = stored.plugins.get(id) ?? { type: 'unknown', name: `#${id}` };
    if ((type !== undefined && ref.type !== type) || values.every((v) => v === 0)) continue;
    const sum = (a: number, b: number) => values.slice(a, b).reduce((s, v) => s + v, 0);
    const previous = sum(0, p.complete);
    const current = sum(p.complete, p.complete * 2);
    trends.push({
      type: ref.type,
      name: ref.name,
      series: values.slice(p.complete).map((instances, i) => ({ from: dates[i] as string, instances })),
      change: previous === 0 ? null : (current - previous) / previous,
    });
  }
  const position = (t: Trend) => rank.get(refText(t)) ?? Number.MAX_SAFE_INTEGER;
  trends.sort((a, b) => position(a) - position(b) || (refText(a) < refText(b) ? -1 : 1));
  return {
    period: p.span === 1 ? 'day' : 'week',
    compared: p.complete === 0 ? null : { from: dayDate(p.first), to: dayDate(p.last - 1), previousFrom: dayDate(p.previousFirst) },
    plugins: trends,
  };
}
