/**
 * The shared store: PostgreSQL through `pg`, behind the fault layer
 * (postgres-pool.ts: a deadline on every statement, faults answered, never
 * fatal). Several collectors may write to one database at once. Reports are
 * written in batches (batch-queue.ts): one transaction in flight per
 * collector, holding what arrived while the previous one committed, of a few
 * statements whatever its size, sent in two round trips (postgres-write.ts),
 * and each report is acknowledged only once its transaction committed.
 */
import { createBatchQueue } from './batch-queue.ts';
import { sharedReads } from './fleet-reads.ts';
import { postgresDictionaries } from './postgres-dictionaries.ts';
import { migrate } from './postgres-migrate.ts';
import { createPostgresPool, type PostgresPool, type PostgresPoolOptions } from './postgres-pool.ts';
import { postgresActiveInstances } from './postgres-read.ts';
import { numberPlaceholders, type Exec } from './postgres-transaction.ts';
import { writePostgresBatch } from './postgres-write.ts';
import type { Incoming } from './report-rows.ts';
import { pruneInBatches, type PruneTarget } from './shared-sql.ts';
import type { Row, SqlValue, Storage, StoreOutcome } from './storage.ts';

export { numberPlaceholders };

/**
 * Most reports in one transaction, and transactions in flight at once per
 * collector. One: a second, concurrent batch halves both batches and waits
 * on the first's counter rows anyway; each batch costs the machine more than
 * its reports do (round trips, wake-ups, the commit).
 */
const MAX_BATCH = 1000;
const MAX_IN_FLIGHT = 1;

export async function openPostgresStorage(url: string, options: PostgresPoolOptions = {}): Promise<Storage> {
  const pool = createPostgresPool(url, options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const ids = postgresDictionaries();
  const exec: Exec = async (sql, params = []) => (await pool.query(numberPlaceholders(sql), params)).rows as Row[];
  const write = async (items: Incoming[]): Promise<StoreOutcome[]> => {
    const batchIds = await ids(items, exec, pool);
    return pool.pipelinedTransaction((exec) => writePostgresBatch(exec, items, batchIds));
  };
  const queue = createBatchQueue(write, { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT });
  const query = (sql: string, params: readonly SqlValue[] = []): Promise<Row[]> => exec(sql, params);
  let closed = false;
  return {
    kind: 'postgres',
    ...sharedReads(query),
    activeInstances: postgresActiveInstances(exec),
    query,
    store(report, receivedAt, token) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return queue.push({ report, receivedAt, token });
    },
    ping: () => pool.ping(),
    prune: (request) => pruneInBatches(pruneTarget(pool), request),
    async close() {
      if (closed) return;
      closed = true;
      await queue.drain();
      await pool.end();
    },
  };
}

/** The pruner's way into this store: one transaction per batch, under the pool's deadline. */
function pruneTarget(pool: PostgresPool): PruneTarget {
  return {
    dialect: 'postgres',
    transaction: (work) =>
      pool.transaction((client) =>
        work(async (sql, params) => {
          const result = await client.query(numberPlaceholders(sql), [...params]);
          return { changes: result.rowCount ?? 0, rows: result.rows as Row[] };
        }),
      ),
    pause: async () => undefined,
  };
}
