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
