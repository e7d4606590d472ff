/**
 * Where reports are kept. Two implementations (SQLite, PostgreSQL) share this
 * small interface and the same tables, so one set of analysis queries runs
 * on both and gives identical reports.
 *
 * Tables (created and migrated by the program):
 * - `reports`: every accepted report, for trends (no sender address, ever);
 * - `instances`: the latest report's facts per instance ID;
 * - `instance_components`: the latest report's components per instance,
 *   one row per {type, name} with its number of occurrences.
 */
import type { Report } from '../validate-report.ts';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves only once the report is durably stored (committed). */
  store(report: Report, receivedAt: number): Promise<void>;
  /** Runs one read-only query; `?` marks each parameter, in order. */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Commits what is pending, then closes. */
  close(): Promise<void>;
}

/** The schema version this program writes; older databases are migrated up to it. */
export const SCHEMA_VERSION = 1;

/** Occurrences per {type, name} of one report, in first-seen order. */
export function countComponents(report: Report): { type: string; name: string; occurrences: number }[] {
  const counts = new Map<string, { type: string; name: string; occurrences: number }>();
  for (const { type, name } of report.components) {
    const key = `${type}/${name}`;
    const entry = counts.get(key);
    if (entry) entry.occurrences++;
    else counts.set(key, { type, name, occurrences: 1 });
  }
  return [...counts.values()];
}

/** The components as stored in `reports.components`: the payload's own shape. */
export const componentsJson = (report: Report): string => JSON.stringify(report.components);

/** `postgres://` and `postgresql://` URLs name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

export async function openStorage(db: string): Promise<Storage> {
  if (isPostgresUrl(db)) {
    const { openPostgresStorage } = await import('./postgres-storage.ts');
    return openPostgresStorage(db);
  }
  const { openSqliteStorage } = await import('./sqlite-storage.ts');
  return openSqliteStorage(db);
}
