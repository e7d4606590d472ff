/**
 * Creates the SQLite schema, or migrates an older one forward, in one
 * transaction (a crash midway leaves the database as it was). Version 2 adds
 * the replay guard. Version 3 replays every version 1 report through the
 * write path, oldest first, so the latest reports, sets and rollups come out
 * exactly as if the reports had arrived today; then the version 1 tables
 * are dropped.
 */
import type { DatabaseSync } from 'node:sqlite';
import { SCHEMA_VERSION } from './report-rows.ts';
import { DROP_V1, schemaV1, schemaV3, SEEN_TOKENS_MIGRATION, SQLITE, V1_REPORTS_PAGE } from './shared-sql.ts';
import { createSqliteWriter } from './sqlite-write.ts';
import type { Row } from './storage.ts';
import { V1_PAGE, v1ReportOf } from './v1-reports.ts';

const MIGRATIONS: readonly ((db: DatabaseSync) => void)[] = [
  (db) => db.exec(schemaV1(SQLITE)),
  (db) => db.exec(SEEN_TOKENS_MIGRATION),
  (db) => {
    db.exec('DROP TABLE instance_components; DROP TABLE instances; DROP INDEX reports_received_at; ALTER TABLE reports RENAME TO reports_v1;');
    db.exec(schemaV3(SQLITE));
    const writer = createSqliteWriter(db);
    const page = db.prepare(V1_REPORTS_PAGE);
    for (let after = 0; ; ) {
      const rows = page.all(after, V1_PAGE) as Row[];
      if (rows.length === 0) break;
      writer.write(rows.map(v1ReportOf));
      after = Number(rows[rows.length - 1]?.['id']);
    }
    db.exec(DROP_V1);
  },
];

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null } | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(`the database has schema version ${current}, newer than this program's ${SCHEMA_VERSION}; upgrade connect-telemetry`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      MIGRATIONS[version - 1]?.(db);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
