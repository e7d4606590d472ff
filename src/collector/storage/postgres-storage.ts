/**
 * The shared store: PostgreSQL through `pg`. Several collectors may write to
 * one database at once; each report is its own transaction, and the
 * "latest per instance" row is only replaced by a newer report, whichever
 * collector commits first.
 */
import { createPostgresPool, type PostgresPool, type PostgresPoolOptions } from './postgres-pool.ts';
import { componentsJson, countComponents, SCHEMA_VERSION } from './report-rows.ts';
import { CLAIM_TOKEN_SQL, pruneInBatches, SEEN_TOKENS_MIGRATION, type PruneTarget } from './shared-sql.ts';
import type { Row, SqlValue, Storage, StoreOutcome } from './storage.ts';

// "C" collation: text sorts by bytes, as in SQLite, so both stores order ties alike.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE reports (
     id BIGSERIAL PRIMARY KEY,
     instance_id TEXT COLLATE "C" NOT NULL,
     received_at BIGINT NOT NULL,
     uptime BIGINT NOT NULL,
     num_cpu INTEGER, go_max_procs INTEGER, go_arch TEXT COLLATE "C", go_os TEXT COLLATE "C",
     components TEXT NOT NULL
   );
   CREATE INDEX reports_received_at ON reports (received_at);
   CREATE TABLE instances (
     id BIGSERIAL PRIMARY KEY,
     instance_id TEXT COLLATE "C" NOT NULL UNIQUE,
     first_seen_at BIGINT NOT NULL,
     last_seen_at BIGINT NOT NULL,
     uptime BIGINT NOT NULL,
     num_cpu INTEGER, go_max_procs INTEGER, go_arch TEXT COLLATE "C", go_os TEXT COLLATE "C",
     report_id BIGINT NOT NULL
   );
   CREATE TABLE plugins (
     id SERIAL PRIMARY KEY,
     type TEXT COLLATE "C" NOT NULL,
     name TEXT COLLATE "C" NOT NULL,
     UNIQUE (type, name)
   );
   CREATE TABLE instance_components (
     instance BIGINT NOT NULL,
     plugin INTEGER NOT NULL,
     occurrences INTEGER NOT NULL,
     PRIMARY KEY (instance, plugin)
   );`,
  // 2: the replay guard; its primary key is what stops a replay across collectors.
  SEEN_TOKENS_MIGRATION,
];

// Any constant: makes collectors starting together migrate one at a time.
const MIGRATION_LOCK = 7_311_001;

/** `?` placeholders (the shared query dialect) to PostgreSQL's `$1, $2…`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

async function migrate(pool: PostgresPool): Promise<void> {
  await pool.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(`the database has schema version ${current}, newer than this program's ${SCHEMA_VERSION}; upgrade connect-telemetry`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1] ?? '');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
    }
  }, { unlimited: true });
}

export async function openPostgresStorage(url: string, options: PostgresPoolOptions = {}): Promise<Storage> {
  const pool = createPostgresPool(url, options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    kind: 'postgres',
    store(report, receivedAt, token) {
      return pool.transaction(async (client): Promise<StoreOutcome> => {
        if (token) {
          const claimed = await client.query(numberPlaceholders(CLAIM_TOKEN_SQL), [token.digest, receivedAt, token.expiresAt]);
          if (claimed.rowCount === 0) return 'replay';
        }
        const { host } = report;
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO reports (instance_id, received_at, uptime, num_cpu, go_max_procs, go_arch, go_os, components)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [report.id, receivedAt, report.uptime, host.numCpu, host.goMaxProcs, host.goArch, host.goOS, componentsJson(report)],
        );
        const latest = await client.query<{ id: string }>(
          `INSERT INTO instances (instance_id, first_seen_at, last_seen_at, uptime, num_cpu, go_max_procs, go_arch, go_os, report_id)
           VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (instance_id) DO UPDATE SET
             last_seen_at = excluded.last_seen_at, uptime = excluded.uptime, num_cpu = excluded.num_cpu,
             go_max_procs = excluded.go_max_procs, go_arch = excluded.go_arch, go_os = excluded.go_os, report_id = excluded.report_id
           WHERE excluded.last_seen_at >= instances.last_seen_at
           RETURNING id`,
          [report.id, receivedAt, report.uptime, host.numCpu, host.goMaxProcs, host.goArch, host.goOS, inserted.rows[0]?.id],
        );
        const instance = latest.rows[0]?.id;
        if (instance !== undefined) {
          await client.query('DELETE FROM instance_components WHERE instance = $1', [instance]);
          // Sorted, so collectors adding the same new plugins lock them in one order and never deadlock.
          const counts = countComponents(report).sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type < b.type ? -1 : 1));
          if (counts.length > 0) {
            const types = counts.map((c) => c.type);
            const names = counts.map((c) => c.name);
            // Plugins first seen here get an id; one another collector is adding waits for its commit.
            await client.query(
              `INSERT INTO plugins (type, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (type, name) DO NOTHING`,
              [types, names],
            );
            await client.query(
              `INSERT INTO instance_components (instance, plugin, occurrences)
               SELECT $1, p.id, u.occurrences
               FROM unnest($2::text[], $3::text[], $4::int[]) AS u (type, name, occurrences)
               JOIN plugins p ON p.type = u.type AND p.name = u.name`,
              [instance, types, names, counts.map((c) => c.occurrences)],
            );
          }
        }
        return 'stored';
      });
    },
    async query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const result = await pool.query(numberPlaceholders(sql), params);
      return result.rows as Row[];
    },
    ping: () => pool.ping(),
    prune: (request) => pruneInBatches(pruneTarget(pool), request),
    async close() {
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
