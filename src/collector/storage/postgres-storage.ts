/**
 * The shared store: PostgreSQL through `pg`. Several collectors may write to
 * one database at once. Reports are written in batches (batch-queue.ts): a
 * few transactions in flight per collector, each of three statements
 * whatever its size (postgres-write.ts), and each report is acknowledged
 * only once its transaction committed.
 */
import pg from 'pg';
import { createBatchQueue } from './batch-queue.ts';
import { sharedReads } from './fleet-reads.ts';
import { postgresDictionaries } from './postgres-dictionaries.ts';
import { migrate } from './postgres-migrate.ts';
import { postgresActiveInstances } from './postgres-read.ts';
import { execOn, inTransaction } from './postgres-transaction.ts';
import { writePostgresBatch } from './postgres-write.ts';
import type { Incoming } from './report-rows.ts';
import type { Row, SqlValue, Storage } from './storage.ts';

export { numberPlaceholders } from './postgres-transaction.ts';

/** Most reports in one transaction, and transactions in flight at once per collector. */
const MAX_BATCH = 1000;
const MAX_IN_FLIGHT = 2;

export async function openPostgresStorage(url: string, options: { maxConnections?: number } = {}): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client's error (the server restarted) must not crash the collector; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const ids = postgresDictionaries();
  const write = async (items: Incoming[]) => {
    const batchIds = await ids(items, execOn(pool), pool);
    await inTransaction(pool, (exec) => writePostgresBatch(exec, items, batchIds));
  };
  const queue = createBatchQueue(write, { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT });
  const exec = execOn(pool);
  const query = (sql: string, params: readonly SqlValue[] = []): Promise<Row[]> => exec(sql, params);
  let closed = false;
  return {
    kind: 'postgres',
    ...sharedReads(query),
    activeInstances: postgresActiveInstances(exec),
    query,
    store(report, receivedAt) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return queue.push({ report, receivedAt });
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.drain();
      await pool.end();
    },
  };
}
