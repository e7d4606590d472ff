/**
 * Creates the PostgreSQL schema, or migrates an older one forward, in one
 * transaction under an advisory lock (and without the statement deadline),
 * so collectors starting together migrate once. Version 2 adds the replay
 * guard; version 3 replays every version 1 report through the write path,
 * oldest first (as the SQLite store does), then drops the old table.
 */
import { postgresDictionaries } from './postgres-dictionaries.ts';
import type { PostgresPool } from './postgres-pool.ts';
import { coalescingExecOn, execOn, type Exec } from './postgres-transaction.ts';
import { writePostgresBatch } from './postgres-write.ts';
import { SCHEMA_VERSION } from './report-rows.ts';
import { DROP_V1, POSTGRES, schemaV1, schemaV3, SEEN_TOKENS_MIGRATION, V1_REPORTS_PAGE } from './shared-sql.ts';
import { V1_PAGE, v1ReportOf } from './v1-reports.ts';

// Any constant: makes collectors starting together migrate one at a time.
const MIGRATION_LOCK = 7_311_001;

// `together`: the write path's way of sending its statements (several in one message).
const MIGRATIONS: readonly ((exec: Exec, together: Exec) => Promise<void>)[] = [
  async (exec) => void (await exec(schemaV1(POSTGRES))),
  // 2: the replay guard; its primary key is what stops a replay across collectors.
  async (exec) => void (await exec(SEEN_TOKENS_MIGRATION)),
  async (exec, together) => {
    await exec(`DROP TABLE instance_components; DROP TABLE instances;
      ALTER TABLE reports RENAME TO reports_v1; ALTER INDEX reports_received_at RENAME TO reports_v1_received_at;
      ALTER INDEX reports_pkey RENAME TO reports_v1_pkey; ALTER SEQUENCE reports_id_seq RENAME TO reports_v1_id_seq;`);
    await exec(schemaV3(POSTGRES));
    const ids = postgresDictionaries();
    for (let after = 0; ; ) {
      const rows = await exec(V1_REPORTS_PAGE, [after, V1_PAGE]);
      if (rows.length === 0) break;
      const items = rows.map(v1ReportOf);
      const { last } = await writePostgresBatch(together, items, await ids(items, exec));
      await last;
      after = Number(rows[rows.length - 1]?.['id']);
    }
    await exec(DROP_V1);
  },
];

export async function migrate(pool: PostgresPool): Promise<void> {
  await pool.transaction(async (client) => {
    const exec = execOn(client);
    await exec('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const rows = await exec('SELECT MAX(version) AS version FROM schema_version');
    const current = Number(rows[0]?.['version'] ?? 0);
    if (current > SCHEMA_VERSION) throw new Error(`the database has schema version ${current}, newer than this program's ${SCHEMA_VERSION}; upgrade connect-telemetry`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      // Statements without parameters go through the simple protocol, which takes several at once.
      await MIGRATIONS[version - 1]?.(exec, coalescingExecOn(client));
      await exec('INSERT INTO schema_version (version) VALUES (?)', [version]);
    }
  }, { unlimited: true });
}
