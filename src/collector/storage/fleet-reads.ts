/**
 * The reads both stores answer with the same SQL: everything the analysis
 * asks except the pass over active instances, which each store does its own
 * fastest way. Every query reads a dictionary, a counter range or a key
 * range of the rollups; none reads the raw reports but `latestReportAt`
 * (one step down an index) and `reportTally` (for the demo).
 */
import { dayOf, type Span } from './activity-rollup.ts';
import type { ActiveSelection, DayCount, FleetReader, PeriodSetCount, StoredSets } from './fleet-reader.ts';
import type { Row, SqlValue } from './storage.ts';

export type Query = (sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

// PostgreSQL returns BIGINT and SUM as strings; SQLite returns numbers.
const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

const ACTIVE = 'i.last_seen_at >= ? AND i.last_seen_at <= ? AND i.uptime >= ?';

/**
 * A day's row counts when the instance reported inside [from, to] that day.
 * For an active instance every report is at or before `to` (its latest is),
 * so only the first day needs a check: a report at or after `from`.
 */
const ACTIVE_DAYS = `SELECT a.day AS day, COUNT(*) AS instances, SUM(a.reports) AS reports
FROM instance_activity a JOIN instances i ON i.id = a.instance
WHERE a.span_days = 1 AND a.day >= ? AND a.day <= ? AND ${ACTIVE} AND (a.day > ? OR a.last_at >= ?)
GROUP BY a.day ORDER BY a.day`;

const PERIOD_SETS = 'SELECT day, set_id, instances, reports FROM set_activity WHERE span_days = ? AND day >= ? AND day <= ?';
// Summed by the database: one row a day out, whatever the sets. (Handing each
// day × set counter to JavaScript costs microseconds a row, which over 30
// days of a fleet's sets outweighed the rest of the report.)
const DAY_TOTALS = 'SELECT day, SUM(instances) AS instances, SUM(reports) AS reports FROM set_activity WHERE span_days = 1 AND day >= ? AND day <= ? GROUP BY day ORDER BY day';
// One period at a time: each grouping sorts at most one period's rows.
const PERIOD_SETS_WITH_UPTIME = `SELECT day, set_id, COUNT(*) AS instances, SUM(reports) AS reports FROM instance_activity
WHERE span_days = ? AND day = ? AND uptime >= ? GROUP BY day, set_id`;
const DAY_FROM = 'SELECT COUNT(*) AS instances, SUM(reports) AS reports FROM instance_activity WHERE span_days = 1 AND day = ? AND last_at >= ?';
const TALLY = `SELECT COUNT(*) AS instances, SUM(CASE WHEN n >= ? THEN 1 ELSE 0 END) AS complete
FROM (SELECT instance, COUNT(*) AS n FROM reports GROUP BY instance) r`;

const dayCount = (row: Row): DayCount => ({ day: num(row['day']), instances: num(row['instances']), reports: num(row['reports']) });
const periodSetCount = (row: Row): PeriodSetCount => ({ day: num(row['day']), setId: num(row['set_id']), instances: num(row['instances']), reports: num(row['reports']) });

export function sharedReads(query: Query): Omit<FleetReader, 'activeInstances'> {
  return {
    async componentSets(): Promise<StoredSets> {
      const plugins = new Map((await query('SELECT id, type, name FROM plugins')).map((row) => [num(row['id']), { type: String(row['type']), name: String(row['name']) }]));
      const sets: StoredSets['sets'] = new Map();
      for (const row of await query('SELECT set_id, plugin_id, occurrences FROM set_plugins')) {
        const id = num(row['set_id']);
        let list = sets.get(id);
        if (!list) sets.set(id, (list = []));
        list.push({ plugin: num(row['plugin_id']), occurrences: num(row['occurrences']) });
      }
      return { plugins, sets };
    },
    async latestReportAt() {
      return numOrNull((await query('SELECT MAX(received_at) AS at FROM reports'))[0]?.['at']);
    },
    async periodSetCounts(span: Span, firstDay: number, lastDay: number) {
      return (await query(PERIOD_SETS, [span, firstDay, lastDay])).map(periodSetCount);
    },
    async dayTotals(firstDay: number, lastDay: number) {
      return (await query(DAY_TOTALS, [firstDay, lastDay])).map(dayCount);
    },
    async periodSetsWithUptime(span: Span, firstDay: number, lastDay: number, minUptime: number) {
      const counts: PeriodSetCount[] = [];
      for (let day = firstDay; day <= lastDay; day += span) counts.push(...(await query(PERIOD_SETS_WITH_UPTIME, [span, day, minUptime])).map(periodSetCount));
      return counts;
    },
    async dayFrom(day: number, from: number) {
      const row = (await query(DAY_FROM, [day, from]))[0] ?? {};
      return { instances: num(row['instances']), reports: num(row['reports']) };
    },
    async activeDays({ from, to, minUptime }: ActiveSelection): Promise<DayCount[]> {
      const rows = await query(ACTIVE_DAYS, [dayOf(from), dayOf(to), from, to, minUptime, dayOf(from), from]);
      return rows.map(dayCount);
    },
    async totals() {
      const row = (await query('SELECT COUNT(*) AS instances, MAX(last_seen_at) AS last FROM instances'))[0] ?? {};
      return { instances: num(row['instances']), lastSeenAt: numOrNull(row['last']) };
    },
    async reportTally(atLeast: number) {
      const row = (await query(TALLY, [atLeast]))[0] ?? {};
      return { instances: num(row['instances']), atLeast: num(row['complete']) };
    },
  };
}
