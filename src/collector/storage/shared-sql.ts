/**
 * The SQL both stores run, written once: the schema of each version (in
 * either dialect), the statements whose text is the same in SQLite and
 * PostgreSQL, the replay guard, and retention (pruning in short batches).
 * `?` marks each parameter; the PostgreSQL store numbers them. Keeping them
 * in one place is what keeps the two stores' answers identical.
 *
 * Schema version 3, in short (docs/collector.md has the reasoning):
 * - `plugins`: every {type, name} ever reported;
 * - `component_sets` + `set_plugins`: each distinct set of plugins (with
 *   occurrences) once, keyed by a hash of its canonical form;
 * - `hosts`: each distinct host facts once;
 * - `instances`: the latest report per instance, as references;
 * - `reports`: every report, as a few integers (instance, time, uptime, host, set);
 * - `instance_activity`: one row per instance per day and per ISO week;
 * - `set_activity`: counters per day or week and set;
 * - `seen_tokens` (version 2): the digest of every signed report stored.
 */
import { dayOf, SPANS } from './activity-rollup.ts';
import type { PruneCounts, PruneRequest, Row, SqlValue } from './storage.ts';

/**
 * Migration 2 (the same text in both stores): the digest of every token
 * stored. The primary key is what refuses a replay, whichever collector
 * receives it; `expires_at` is when the token would be refused anyway, so
 * its digest can go then.
 */
export const SEEN_TOKENS_MIGRATION = `CREATE TABLE seen_tokens (
    digest TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    expires_at BIGINT
  );
  CREATE INDEX seen_tokens_received_at ON seen_tokens (received_at);
  CREATE INDEX seen_tokens_expires_at ON seen_tokens (expires_at);`;

/** Claims a token for the report being stored: changes no row when the token was stored before. */
export const CLAIM_TOKEN_SQL = 'INSERT INTO seen_tokens (digest, received_at, expires_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING';

export type Dialect = 'sqlite' | 'postgres';

/** One statement's effect: rows changed, and rows returned (RETURNING). */
export interface RunResult {
  changes: number;
  rows: Row[];
}

/** What a store lends the pruner: one transaction at a time, and a pause that lets its writers in between. */
export interface PruneTarget {
  dialect: Dialect;
  transaction<T>(work: (run: (sql: string, params: readonly SqlValue[]) => Promise<RunResult>) => Promise<T>): Promise<T>;
  pause(): Promise<void>;
}

/** Rows deleted per transaction: short enough that a writer waits milliseconds, not seconds. */
export const PRUNE_BATCH = 1000;

// The outer `last_seen_at < ?` is checked again on a row a writer has just
// updated (PostgreSQL), so an instance that reported meanwhile is kept.
const DELETE_INACTIVE_INSTANCES = `DELETE FROM instances
  WHERE last_seen_at < ? AND id IN (SELECT id FROM instances WHERE last_seen_at < ? ORDER BY id LIMIT ?)
  RETURNING id`;

// An instance still in `instances` was seen at or after the cutoff, and its
// latest report was received then: so this never deletes an active instance's latest report.
const DELETE_OLD_REPORTS = `DELETE FROM reports
  WHERE id IN (SELECT id FROM reports WHERE received_at < ? ORDER BY received_at LIMIT ?)`;

// An activity row whose day or week ended before the cutoff: ingest only ever
// touches the current periods, and trends read the per-set counters.
const DELETE_OLD_ACTIVITY = `DELETE FROM instance_activity
  WHERE span_days = ? AND day <= ? AND (day, instance) IN
    (SELECT day, instance FROM instance_activity WHERE span_days = ? AND day <= ? ORDER BY day LIMIT ?)`;

const DELETE_EXPIRED_TOKENS = `DELETE FROM seen_tokens
  WHERE digest IN (SELECT digest FROM seen_tokens WHERE expires_at < ? LIMIT ?)`;

const DELETE_OLD_TOKENS = `DELETE FROM seen_tokens
  WHERE digest IN (SELECT digest FROM seen_tokens WHERE received_at < ? LIMIT ?)`;

/** Runs one kind of batch until a batch finds nothing more to delete (or the signal stops it); returns how many went. */
async function untilDone(target: PruneTarget, signal: AbortSignal | undefined, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const deleted = await batch();
    total += deleted;
    if (deleted === 0) break;
    await target.pause();
  }
  return total;
}

/**
 * Prunes as the Storage interface describes, a batch per transaction:
 * inactive instances first, so that no instance is ever left without its
 * latest report, then old reports, then the per-instance activity rows of
 * days and weeks that ended before the cutoff, then token digests. The
 * per-set counters stay: they are what trends read, a few rows a period.
 * (Analysing a window longer than the retention loses its first days.)
 */
export async function pruneInBatches(target: PruneTarget, request: PruneRequest, batchSize = PRUNE_BATCH): Promise<PruneCounts> {
  const counts: PruneCounts = { reports: 0, instances: 0, activity: 0, tokens: 0 };
  const { before, signal } = request;
  if (before !== undefined) {
    counts.instances = await untilDone(target, signal, () =>
      target.transaction(async (run) => {
        const { rows } = await run(DELETE_INACTIVE_INSTANCES, [before, before, batchSize]);
        return rows.length;
      }),
    );
    counts.reports = await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_OLD_REPORTS, [before, batchSize])).changes));
    for (const span of SPANS) {
      const lastDay = dayOf(before) - span; // the last period start whose period ended by the cutoff's day
      counts.activity += await untilDone(target, signal, () =>
        target.transaction(async (run) => (await run(DELETE_OLD_ACTIVITY, [span, lastDay, span, lastDay, batchSize])).changes),
      );
    }
    counts.tokens = await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_OLD_TOKENS, [before, batchSize])).changes));
  }
  counts.tokens += await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_EXPIRED_TOKENS, [request.now, batchSize])).changes));
  return counts;
}

export interface SchemaDialect {
  /** An auto-numbered integer key. */
  id: string;
  /** A 64-bit integer (times in ms, uptimes in s). */
  bigint: string;
  /** Text that sorts by bytes in both stores. */
  text: string;
  /** Suffix for tables whose key is the whole row's identity. */
  clustered: string;
}

export const SQLITE: SchemaDialect = { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', bigint: 'INTEGER', text: 'TEXT', clustered: ' WITHOUT ROWID' };
export const POSTGRES: SchemaDialect = { id: 'BIGSERIAL PRIMARY KEY', bigint: 'BIGINT', text: 'TEXT COLLATE "C"', clustered: '' };

/** Version 1: each report with its components as JSON, the latest per instance, its components per plugin. */
export const schemaV1 = (d: SchemaDialect): string => `
CREATE TABLE reports (
  id ${d.id},
  instance_id ${d.text} NOT NULL,
  received_at ${d.bigint} NOT NULL,
  uptime ${d.bigint} NOT NULL,
  num_cpu INTEGER, go_max_procs INTEGER, go_arch ${d.text}, go_os ${d.text},
  components TEXT NOT NULL
);
CREATE INDEX reports_received_at ON reports (received_at);
CREATE TABLE instances (
  id ${d.id},
  instance_id ${d.text} NOT NULL UNIQUE,
  first_seen_at ${d.bigint} NOT NULL,
  last_seen_at ${d.bigint} NOT NULL,
  uptime ${d.bigint} NOT NULL,
  num_cpu INTEGER, go_max_procs INTEGER, go_arch ${d.text}, go_os ${d.text},
  report_id ${d.bigint} NOT NULL
);
CREATE TABLE plugins (
  id ${d.id},
  type ${d.text} NOT NULL,
  name ${d.text} NOT NULL,
  UNIQUE (type, name)
);
CREATE TABLE instance_components (
  instance ${d.bigint} NOT NULL,
  plugin ${d.bigint} NOT NULL,
  occurrences INTEGER NOT NULL,
  PRIMARY KEY (instance, plugin)
)${d.clustered};`;

/**
 * Version 3's tables. The version 1 `reports` table has been renamed
 * `reports_v1` before this runs (and is replayed into these, then dropped);
 * `plugins` and version 2's `seen_tokens` are kept as they are. Few indexes on purpose: each one costs every
 * write, and the analysis reads whole tables or key ranges.
 */
export const schemaV3 = (d: SchemaDialect): string => `
CREATE TABLE component_sets (
  id ${d.id},
  hash ${d.text} NOT NULL UNIQUE,
  plugins INTEGER NOT NULL,
  components INTEGER NOT NULL
);
CREATE TABLE set_plugins (
  set_id ${d.bigint} NOT NULL,
  plugin_id ${d.bigint} NOT NULL,
  occurrences INTEGER NOT NULL,
  PRIMARY KEY (set_id, plugin_id)
)${d.clustered};
CREATE TABLE hosts (
  id ${d.id},
  key ${d.text} NOT NULL UNIQUE,
  num_cpu ${d.bigint}, go_max_procs ${d.bigint}, go_arch ${d.text}, go_os ${d.text}
);
CREATE TABLE instances (
  id ${d.id},
  instance_id ${d.text} NOT NULL UNIQUE,
  first_seen_at ${d.bigint} NOT NULL,
  last_seen_at ${d.bigint} NOT NULL,
  uptime ${d.bigint} NOT NULL,
  host_id ${d.bigint} NOT NULL,
  set_id ${d.bigint} NOT NULL
);
CREATE TABLE reports (
  id ${d.id},
  instance ${d.bigint} NOT NULL,
  received_at ${d.bigint} NOT NULL,
  uptime ${d.bigint} NOT NULL,
  host_id ${d.bigint} NOT NULL,
  set_id ${d.bigint} NOT NULL
);
CREATE INDEX reports_received_at ON reports (received_at);
CREATE TABLE instance_activity (
  span_days INTEGER NOT NULL,
  day INTEGER NOT NULL,
  instance ${d.bigint} NOT NULL,
  set_id ${d.bigint} NOT NULL,
  uptime ${d.bigint} NOT NULL,
  first_at ${d.bigint} NOT NULL,
  last_at ${d.bigint} NOT NULL,
  reports INTEGER NOT NULL,
  PRIMARY KEY (span_days, day, instance)
)${d.clustered};
CREATE TABLE set_activity (
  span_days INTEGER NOT NULL,
  day INTEGER NOT NULL,
  set_id ${d.bigint} NOT NULL,
  instances ${d.bigint} NOT NULL,
  reports ${d.bigint} NOT NULL,
  PRIMARY KEY (span_days, day, set_id)
)${d.clustered};`;

/** Version 1's raw reports, oldest first, a page at a time (replayed by the version 3 migration). */
export const V1_REPORTS_PAGE = `SELECT id, instance_id, received_at, uptime, num_cpu, go_max_procs, go_arch, go_os, components
FROM reports_v1 WHERE id > ? ORDER BY id LIMIT ?`;
export const DROP_V1 = 'DROP TABLE reports_v1';

// --- Dictionaries: plugins, component sets and hosts, each stored once. ---

export const INSERT_PLUGIN = 'INSERT INTO plugins (type, name) VALUES (?, ?) ON CONFLICT (type, name) DO NOTHING';
export const SELECT_PLUGIN = 'SELECT id FROM plugins WHERE type = ? AND name = ?';
/** Returns the id only when this call created the set; then its plugins must be inserted in the same transaction. */
export const INSERT_SET = 'INSERT INTO component_sets (hash, plugins, components) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING RETURNING id';
export const SELECT_SET = 'SELECT id FROM component_sets WHERE hash = ?';
export const INSERT_SET_PLUGIN = 'INSERT INTO set_plugins (set_id, plugin_id, occurrences) VALUES (?, ?, ?)';
export const INSERT_HOST = 'INSERT INTO hosts (key, num_cpu, go_max_procs, go_arch, go_os) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING';
export const SELECT_HOST = 'SELECT id FROM hosts WHERE key = ?';

// --- The latest report per instance, and every report. ---

const newer = 'excluded.last_seen_at >= instances.last_seen_at';
/**
 * On a known instance: a report at least as new as its latest replaces it
 * (so a late, older report never does); the first sighting is the earliest.
 */
export const KEEP_LATEST = `ON CONFLICT (instance_id) DO UPDATE SET
  first_seen_at = CASE WHEN excluded.first_seen_at < instances.first_seen_at THEN excluded.first_seen_at ELSE instances.first_seen_at END,
  uptime = CASE WHEN ${newer} THEN excluded.uptime ELSE instances.uptime END,
  host_id = CASE WHEN ${newer} THEN excluded.host_id ELSE instances.host_id END,
  set_id = CASE WHEN ${newer} THEN excluded.set_id ELSE instances.set_id END,
  last_seen_at = CASE WHEN ${newer} THEN excluded.last_seen_at ELSE instances.last_seen_at END`;
export const INSTANCE_COLUMNS = 'instance_id, first_seen_at, last_seen_at, uptime, host_id, set_id';
export const REPORT_COLUMNS = 'instance, received_at, uptime, host_id, set_id';

// --- Rollups (activity-rollup.ts computes the values). ---

export const ACTIVITY_COLUMNS = 'span_days, day, instance, set_id, uptime, first_at, last_at, reports';
/** An activity row is written whole: the rollup computed it from the row it read. */
export const REPLACE_ACTIVITY = `ON CONFLICT (span_days, day, instance) DO UPDATE SET
  set_id = excluded.set_id, uptime = excluded.uptime, first_at = excluded.first_at, last_at = excluded.last_at, reports = excluded.reports`;
export const COUNTER_COLUMNS = 'span_days, day, set_id, instances, reports';
/** Counters are added to, never overwritten, so concurrent writers compose. */
export const ADD_TO_COUNTER = `ON CONFLICT (span_days, day, set_id) DO UPDATE SET
  instances = set_activity.instances + excluded.instances, reports = set_activity.reports + excluded.reports`;
