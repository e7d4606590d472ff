/**
 * The embedded store: one SQLite file through Node's built-in node:sqlite.
 * WAL lets `report` read while `collect` writes. Reports that arrive in the
 * same turn of the event loop are committed together in one transaction (one
 * fsync), and each caller is answered only after that commit.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LRUCache } from 'lru-cache';
import { loadSqlite } from './quiet-sqlite.ts';
import { componentsJson, countComponents, SCHEMA_VERSION } from './report-rows.ts';
import { CLAIM_TOKEN_SQL, pruneInBatches, SEEN_TOKENS_MIGRATION, type PruneTarget } from './shared-sql.ts';
import type { ReportToken, Row, SqlValue, Storage, StoreOutcome } from './storage.ts';
import type { Report } from '../validate-report.ts';

const MIGRATIONS: readonly string[] = [
  // 1: every report, the latest per instance and its components. Few indexes on
  // purpose: each one costs every write, and the analysis reads whole tables anyway.
  `CREATE TABLE reports (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     instance_id TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     uptime INTEGER NOT NULL,
     num_cpu INTEGER, go_max_procs INTEGER, go_arch TEXT, go_os TEXT,
     components TEXT NOT NULL
   );
   CREATE INDEX reports_received_at ON reports (received_at);
   CREATE TABLE instances (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     instance_id TEXT NOT NULL UNIQUE,
     first_seen_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     uptime INTEGER NOT NULL,
     num_cpu INTEGER, go_max_procs INTEGER, go_arch TEXT, go_os TEXT,
     report_id INTEGER NOT NULL
   );
   CREATE TABLE plugins (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     type TEXT NOT NULL,
     name TEXT NOT NULL,
     UNIQUE (type, name)
   );
   CREATE TABLE instance_components (
     instance INTEGER NOT NULL,
     plugin INTEGER NOT NULL,
     occurrences INTEGER NOT NULL,
     PRIMARY KEY (instance, plugin)
   ) WITHOUT ROWID;`,
  // 2: the replay guard.
  SEEN_TOKENS_MIGRATION,
];

/** Most reports committed in one transaction; bounds how long one commit blocks. */
const MAX_BATCH = 2000;
/** Plugin ids kept in memory; the catalogue bounds distinct plugins far below this, but no cache grows without limit. */
const MAX_CACHED_PLUGINS = 10_000;
/** Prepared read statements kept; `report` asks a dozen different questions. */
const MAX_CACHED_STATEMENTS = 64;

interface Pending {
  report: Report;
  receivedAt: number;
  token: ReportToken | undefined;
  resolve: (outcome: StoreOutcome) => void;
  reject: (error: unknown) => void;
}

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null } | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(`the database has schema version ${current}, newer than this program's ${SCHEMA_VERSION}; upgrade connect-telemetry`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1] ?? '');
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export async function openSqliteStorage(path: string): Promise<Storage> {
  const { DatabaseSync } = await loadSqlite();
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // FULL: a commit is on disk before anyone is told "stored".
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;');
  migrate(db);

  const insertReport = db.prepare(
    `INSERT INTO reports (instance_id, received_at, uptime, num_cpu, go_max_procs, go_arch, go_os, components)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertInstance = db.prepare(
    `INSERT INTO instances (instance_id, first_seen_at, last_seen_at, uptime, num_cpu, go_max_procs, go_arch, go_os, report_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance_id) DO UPDATE SET
       last_seen_at = excluded.last_seen_at, uptime = excluded.uptime, num_cpu = excluded.num_cpu,
       go_max_procs = excluded.go_max_procs, go_arch = excluded.go_arch, go_os = excluded.go_os, report_id = excluded.report_id
     WHERE excluded.last_seen_at >= instances.last_seen_at
     RETURNING id`,
  );
  const deleteComponents = db.prepare('DELETE FROM instance_components WHERE instance = ?');
  // All of a report's components in one statement: [[plugin id, occurrences], …] as JSON.
  const insertComponents = db.prepare(
    'INSERT INTO instance_components (instance, plugin, occurrences) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)',
  );
  // A no-op update so RETURNING gives the id of a plugin that already exists.
  const upsertPlugin = db.prepare('INSERT INTO plugins (type, name) VALUES (?, ?) ON CONFLICT (type, name) DO UPDATE SET type = excluded.type RETURNING id');
  const pluginIds = new LRUCache<string, number>({ max: MAX_CACHED_PLUGINS });
  const pluginId = (type: string, name: string) => {
    const key = `${type}/${name}`;
    let id = pluginIds.get(key);
    if (id === undefined) {
      id = (upsertPlugin.get(type, name) as { id: number }).id;
      pluginIds.set(key, id);
    }
    return id;
  };

  const claimToken = db.prepare(CLAIM_TOKEN_SQL);

  const write = (report: Report, receivedAt: number, token: ReportToken | undefined): StoreOutcome => {
    if (token && claimToken.run(token.digest, receivedAt, token.expiresAt).changes === 0) return 'replay';
    const { host } = report;
    const { lastInsertRowid } = insertReport.run(report.id, receivedAt, report.uptime, host.numCpu, host.goMaxProcs, host.goArch, host.goOS, componentsJson(report));
    const latest = upsertInstance.get(report.id, receivedAt, receivedAt, report.uptime, host.numCpu, host.goMaxProcs, host.goArch, host.goOS, lastInsertRowid);
    if (latest === undefined) return 'stored'; // an older report than the one kept as latest
    const instance = (latest as { id: number }).id;
    deleteComponents.run(instance);
    const rows = countComponents(report).map((c) => [pluginId(c.type, c.name), c.occurrences]);
    if (rows.length > 0) insertComponents.run(instance, JSON.stringify(rows));
    return 'stored';
  };

  let pending: Pending[] = [];
  let scheduled = false;
  let closed = false;

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(batch.length);
      try {
        db.exec('BEGIN IMMEDIATE');
        let outcomes: StoreOutcome[];
        try {
          outcomes = batch.map((item) => write(item.report, item.receivedAt, item.token));
          db.exec('COMMIT');
        } catch (error) {
          db.exec('ROLLBACK');
          // Ids cached during the failed transaction may not exist.
          pluginIds.clear();
          throw error;
        }
        batch.forEach((item, i) => item.resolve(outcomes[i] ?? 'stored'));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
  };

  const statements = new LRUCache<string, StatementSync>({ max: MAX_CACHED_STATEMENTS });
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  return {
    kind: 'sqlite',
    store(report, receivedAt, token) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return new Promise<StoreOutcome>((resolve, reject) => {
        pending.push({ report, receivedAt, token, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // Let the other requests already read in this turn join the batch.
          setImmediate(flush);
        }
      });
    },
    async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      return prepared(sql).all(...params) as Row[];
    },
    async ping() {
      prepared('SELECT 1').get();
    },
    prune: (request) => pruneInBatches(pruneTarget(db, prepared), request),
    async close() {
      if (closed) return;
      flush();
      closed = true;
      statements.clear();
      db.close();
    },
  };
}

/**
 * The pruner's way into this store: each batch is one short IMMEDIATE
 * transaction (statements run synchronously, so no report's commit can fall
 * inside it), and between batches the event loop turns, so reports waiting
 * to be committed go first.
 */
function pruneTarget(db: DatabaseSync, prepared: (sql: string) => StatementSync): PruneTarget {
  return {
    dialect: 'sqlite',
    async transaction(work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(async (sql, params) => {
          const statement = prepared(sql);
          if (/\bRETURNING\b/i.test(sql)) {
            const rows = statement.all(...params) as Row[];
            return { changes: rows.length, rows };
          }
          return { changes: Number(statement.run(...params).changes), rows: [] };
        });
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    pause: () => new Promise((resolve) => setImmediate(resolve)),
  };
}
