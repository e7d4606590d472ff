/**
 * The questions `report` answers, asked in SQL so the database does the
 * counting (a fleet of 100,000 instances never passes through JavaScript row
 * by row). JavaScript only turns the few result rows into ratios, the same
 * way for both stores, so SQLite and PostgreSQL give identical reports.
 *
 * An instance is *active* when its latest report falls inside the window
 * (and its uptime is at least the minimum); every figure is over active
 * instances and their latest components.
 */
import { formatDuration } from '../lib/duration.ts';
import type { Row, SqlValue, Storage } from '../collector/storage/storage.ts';

export interface PluginRef {
  type: string;
  name: string;
}

export interface AnalysisOptions {
  /** Milliseconds since the epoch: the end of the window. */
  now: number;
  windowMs: number;
  minUptimeSeconds: number;
  /** Least share of active instances that must use both plugins of a pair. */
  minSupport: number;
  /** Least P(then | if) for a pair to be listed. */
  minConfidence: number;
  /** Only pairs whose `if` is this plugin. */
  plugin?: PluginRef | undefined;
  /** Only pairs whose `then` is this plugin. */
  then?: PluginRef | undefined;
  /** Most pairs listed (after sorting); 0 lists all. */
  limit: number;
}

export interface PluginUse extends PluginRef {
  /** Active instances using it. */
  instances: number;
  /** instances / active instances. */
  share: number;
  /** Times it appears across those instances' latest reports. */
  occurrences: number;
}

export interface Pairing {
  if: PluginRef;
  then: PluginRef;
  /** Active instances using both. */
  instances: number;
  /** P(if ∧ then) = instances / active instances. */
  support: number;
  /** P(then | if) = instances / instances using `if`. */
  confidence: number;
  /** confidence / P(then); above 1: found together more often than by chance. */
  lift: number;
}

export interface UptimeBucket {
  label: string;
  /** Seconds, inclusive. */
  from: number;
  /** Seconds, exclusive; null for the last bucket. */
  to: number | null;
  instances: number;
}

export interface Fleet {
  /** Reports received inside the window from active instances. */
  reports: number;
  /** Distinct active instances that reported on each UTC day of the window. */
  daily: { day: string; instances: number }[];
  uptime: { median: number | null; buckets: UptimeBucket[] };
  platforms: { os: string; arch: string; instances: number }[];
}

export interface Analysis {
  window: { from: string; to: string; duration: string; minUptimeSeconds: number };
  instances: number;
  plugins: PluginUse[];
  pairs: Pairing[];
  pairFilters: { minSupport: number; minConfidence: number; plugin: PluginRef | null; then: PluginRef | null; limit: number };
  fleet: Fleet;
}

const DAY_MS = 86_400_000;
const UPTIME_BUCKETS: readonly Omit<UptimeBucket, 'instances'>[] = [
  { label: '< 1h', from: 0, to: 3600 },
  { label: '1h – 1d', from: 3600, to: 86_400 },
  { label: '1d – 7d', from: 86_400, to: 604_800 },
  { label: '7d – 30d', from: 604_800, to: 2_592_000 },
  { label: '≥ 30d', from: 2_592_000, to: null },
];

// `?` ×3: window start, window end, least uptime.
const ACTIVE = `active AS (
  SELECT id, uptime, go_os, go_arch FROM instances
  WHERE last_seen_at >= ? AND last_seen_at <= ? AND uptime >= ?)`;

const PLUGINS_SQL = `WITH ${ACTIVE}
SELECT p.id AS id, p.type AS type, p.name AS name, u.instances AS instances, u.occurrences AS occurrences
FROM (SELECT c.plugin AS plugin, COUNT(*) AS instances, SUM(c.occurrences) AS occurrences
      FROM instance_components c JOIN active a ON a.id = c.instance
      GROUP BY c.plugin) u
JOIN plugins p ON p.id = u.plugin
ORDER BY u.instances DESC, u.occurrences DESC, p.type, p.name`;

// Each unordered pair once (lower plugin id first), counted over the
// instances using both. The join runs from the active instances over integer
// keys (instance, plugin), the fastest plan in both stores.
const PAIRS_SQL = `WITH ${ACTIVE}
SELECT x.plugin AS x, y.plugin AS y, COUNT(*) AS instances
FROM active a
JOIN instance_components x ON x.instance = a.id
JOIN instance_components y ON y.instance = a.id AND y.plugin > x.plugin
GROUP BY x.plugin, y.plugin
HAVING COUNT(*) >= ?`;

// Pairs with one given plugin on the `if` side.
const PAIRS_WITH_SQL = `WITH ${ACTIVE}
SELECT y.plugin AS y, COUNT(*) AS instances
FROM active a
JOIN instance_components x ON x.instance = a.id
JOIN instance_components y ON y.instance = a.id AND y.plugin <> x.plugin
WHERE x.plugin = ?
GROUP BY y.plugin`;

const DAILY_SQL = `WITH ${ACTIVE}
SELECT r.received_at / ${DAY_MS} AS day, COUNT(DISTINCT r.instance_id) AS instances, COUNT(*) AS reports
FROM reports r JOIN instances i ON i.instance_id = r.instance_id JOIN active a ON a.id = i.id
WHERE r.received_at >= ? AND r.received_at <= ?
GROUP BY r.received_at / ${DAY_MS}
ORDER BY day`;

const UPTIME_SQL = `WITH ${ACTIVE}
SELECT CASE ${UPTIME_BUCKETS.map((b, i) => (b.to === null ? '' : `WHEN uptime < ${b.to} THEN ${i} `)).join('')}ELSE ${UPTIME_BUCKETS.length - 1} END AS bucket,
  COUNT(*) AS instances
FROM active GROUP BY 1`;

const MEDIAN_SQL = `WITH ${ACTIVE}
SELECT uptime FROM active ORDER BY uptime LIMIT 1 OFFSET ?`;

const PLATFORMS_SQL = `WITH ${ACTIVE}
SELECT COALESCE(go_os, 'unknown') AS os, COALESCE(go_arch, 'unknown') AS arch, COUNT(*) AS instances
FROM active GROUP BY COALESCE(go_os, 'unknown'), COALESCE(go_arch, 'unknown')
ORDER BY instances DESC, os, arch`;

// PostgreSQL returns BIGINT and SUM as strings; SQLite returns numbers.
const num = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const key = (p: PluginRef) => `${p.type}/${p.name}`;
const sameRef = (a: PluginRef, b: PluginRef) => a.type === b.type && a.name === b.name;

/** Least number of instances that reaches a share, without float surprises (0.3 × 10 = 3, not 4). */
export function leastCount(share: number, total: number): number {
  return Math.max(1, Math.ceil(share * total - 1e-9));
}

/** For one plugin's companions: the most common first (confidence follows instances there). */
export function comparePairs(a: Pairing, b: Pairing): number {
  return b.instances - a.instances || b.confidence - a.confidence || b.lift - a.lift || byName(a, b);
}

/**
 * For the fleet-wide rules: the most telling first, by lift (how much more
 * often B goes with A than chance), then confidence, then instances. A rule
 * whose B is on every instance (lift 1, such as a default buffer/none) says
 * nothing and sinks.
 */
export function comparePairsByLift(a: Pairing, b: Pairing): number {
  return b.lift - a.lift || b.confidence - a.confidence || b.instances - a.instances || byName(a, b);
}

const byName = (a: Pairing, b: Pairing) => cmp(key(a.if), key(b.if)) || cmp(key(a.then), key(b.then));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function analyse(storage: Storage, options: AnalysisOptions): Promise<Analysis> {
  const from = options.now - options.windowMs;
  const active: SqlValue[] = [from, options.now, options.minUptimeSeconds];
  const run = (sql: string, ...more: SqlValue[]): Promise<Row[]> => storage.query(sql, [...active, ...more]);

  const pluginRows = await run(PLUGINS_SQL);
  const countRow = await run(`WITH ${ACTIVE} SELECT COUNT(*) AS n FROM active`);
  const total = num(countRow[0]?.['n'] ?? 0);
  const plugins: PluginUse[] = pluginRows.map((row) => ({
    type: str(row['type']),
    name: str(row['name']),
    instances: num(row['instances']),
    share: total === 0 ? 0 : num(row['instances']) / total,
    occurrences: num(row['occurrences']),
  }));
  const using = new Map(plugins.map((p) => [key(p), p.instances]));
  const byId = new Map(pluginRows.map((row, i) => [num(row['id']), plugins[i] as PluginRef]));
  const ids = new Map(pluginRows.map((row, i) => [key(plugins[i] as PluginRef), num(row['id'])]));

  const pairs = await pairings(run, options, total, using, byId, ids);
  const fleet = await fleetOf(run, options, from, total);
  return {
    window: { from: new Date(from).toISOString(), to: new Date(options.now).toISOString(), duration: formatDuration(options.windowMs), minUptimeSeconds: options.minUptimeSeconds },
    instances: total,
    plugins,
    pairs,
    pairFilters: {
      minSupport: options.minSupport,
      minConfidence: options.minConfidence,
      plugin: options.plugin ?? null,
      then: options.then ?? null,
      limit: options.limit,
    },
    fleet,
  };
}

type Run = (sql: string, ...more: SqlValue[]) => Promise<Row[]>;

async function pairings(
  run: Run,
  options: AnalysisOptions,
  total: number,
  using: Map<string, number>,
  byId: Map<number, PluginRef>,
  ids: Map<string, number>,
): Promise<Pairing[]> {
  const ref = (id: unknown): PluginRef => byId.get(num(id)) ?? { type: 'unknown', name: `#${String(id)}` };
  const rule = (a: PluginRef, b: PluginRef, both: number): Pairing => {
    const nA = using.get(key(a)) ?? 0;
    const nB = using.get(key(b)) ?? 0;
    return {
      if: { type: a.type, name: a.name },
      then: { type: b.type, name: b.name },
      instances: both,
      support: total === 0 ? 0 : both / total,
      confidence: nA === 0 ? 0 : both / nA,
      lift: nA === 0 || nB === 0 ? 0 : (both * total) / (nA * nB),
    };
  };
  const { plugin, then } = options;
  let rules: Pairing[];
  if (plugin !== undefined) {
    const id = ids.get(key(plugin));
    // A plugin no active instance uses pairs with nothing.
    const rows = id === undefined ? [] : await run(PAIRS_WITH_SQL, id);
    rules = rows.map((row) => rule(plugin, ref(row['y']), num(row['instances'])));
    if (then !== undefined) {
      // The question was asked directly: answer it even when the figures are low, or zero.
      const found = rules.find((r) => sameRef(r.then, then));
      return sameRef(plugin, then) ? [] : [found ?? rule(plugin, then, 0)];
    }
  } else {
    if (total === 0) return [];
    const least = leastCount(options.minSupport, total);
    const rows = await run(PAIRS_SQL, least);
    rules = [];
    for (const row of rows) {
      const x = ref(row['x']);
      const y = ref(row['y']);
      const both = num(row['instances']);
      rules.push(rule(x, y, both), rule(y, x, both));
    }
    if (then !== undefined) rules = rules.filter((r) => sameRef(r.then, then));
  }
  const kept = rules
    .filter((r) => r.instances >= leastCount(options.minSupport, total) && r.confidence >= options.minConfidence - 1e-12)
    .sort(plugin !== undefined ? comparePairs : comparePairsByLift);
  return options.limit > 0 ? kept.slice(0, options.limit) : kept;
}

async function fleetOf(run: Run, options: AnalysisOptions, from: number, total: number): Promise<Fleet> {
  const dailyRows = await run(DAILY_SQL, from, options.now);
  const bucketRows = await run(UPTIME_SQL);
  const medianRows = total === 0 ? [] : await run(MEDIAN_SQL, Math.floor((total - 1) / 2));
  const platformRows = await run(PLATFORMS_SQL);
  const counts = new Map(bucketRows.map((row) => [num(row['bucket']), num(row['instances'])]));
  return {
    reports: dailyRows.reduce((sum, row) => sum + num(row['reports']), 0),
    daily: dailyRows.map((row) => ({ day: new Date(num(row['day']) * DAY_MS).toISOString().slice(0, 10), instances: num(row['instances']) })),
    uptime: {
      median: medianRows[0] === undefined ? null : num(medianRows[0]['uptime']),
      buckets: UPTIME_BUCKETS.map((bucket, i) => ({ ...bucket, instances: counts.get(i) ?? 0 })),
    },
    platforms: platformRows.map((row) => ({ os: str(row['os']), arch: str(row['arch']), instances: num(row['instances']) })),
  };
}
