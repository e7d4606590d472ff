/**
 * The embedded store: one SQLite file through Node's built-in node:sqlite.
 * WAL lets `report` read while `collect` writes; a commit is on disk before
 * anyone is told "stored" (synchronous = FULL). Reports that arrive in the
 * same turn of the event loop are committed together (batch-queue.ts), and
 * temporary tables and sorts stay in memory, so nothing is written outside
 * the database's own directory.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LRUCache } from 'lru-cache';
import { createBatchQueue } from './batch-queue.ts';
import { sharedReads } from './fleet-reads.ts';
import { loadSqlite } from './quiet-sqlite.ts';
import type { Incoming } from './report-rows.ts';
import { migrate } from './sqlite-migrate.ts';
import { sqliteActiveInstances } from './sqlite-read.ts';
import { createSqliteWriter, type SqliteWriter } from './sqlite-write.ts';
import { pruneInBatches, type PruneTarget } from './shared-sql.ts';
import type { Row, SqlValue, Storage, StoreOutcome } from './storage.ts';

/** Most reports committed in one transaction; bounds how long one commit blocks. */
const MAX_BATCH = 2000;
/** Prepared read statements kept. */
const MAX_CACHED_STATEMENTS = 64;

async function openDatabase(path: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await loadSqlite();
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA temp_store = MEMORY;');
  return db;
}

export async function openSqliteStorage(path: string): Promise<Storage> {
  const db = await openDatabase(path);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  // `report` and `prune` only read: the writer (its statements and caches) is made when the first report is stored.
  let writer: SqliteWriter | undefined;
  const queue = createBatchQueue<Incoming, StoreOutcome>((items) => (writer ??= createSqliteWriter(db)).commit(items), { maxBatch: MAX_BATCH, maxInFlight: 1 });
  const statements = new LRUCache<string, StatementSync>({ max: MAX_CACHED_STATEMENTS });
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const query = async (sql: string, params: readonly SqlValue[] = []): Promise<Row[]> => prepared(sql).all(...params) as Row[];
  const activeInstances = sqliteActiveInstances(db);
  let closed = false;
  return {
    kind: 'sqlite',
    ...sharedReads(query),
    activeInstances: async (selection, edges) => activeInstances(selection, edges),
    query,
    store(report, receivedAt, token) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return queue.push({ report, receivedAt, token });
    },
    async ping() {
      prepared('SELECT 1').get();
    },
    prune: (request) => pruneInBatches(pruneTarget(db, prepared), request),
    async close() {
      if (closed) return;
      closed = true;
      await queue.drain();
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
