/**
 * Where reports are kept. Two implementations (SQLite, PostgreSQL) share this
 * interface, the same tables and statements (shared-sql.ts) and the same
 * reads (fleet-reads.ts), so the analysis gets identical answers from both.
 *
 * Tables (created and migrated by the program; docs/collector.md has them all):
 * - `reports`: every accepted report, as references (no sender address, ever);
 * - `instances`: the latest report per instance ID;
 * - `component_sets`, `set_plugins`, `plugins`, `hosts`: what reports refer to, each stored once;
 * - `instance_activity`, `set_activity`: the day and week rollups kept at ingest;
 * - `seen_tokens`: the digest of every signed report stored, so a replay is
 *   never stored twice.
 */
import type { Report } from '../validate-report.ts';
import type { FleetReader } from './fleet-reader.ts';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

/** A signed report's token: what makes a replay recognisable. */
export interface ReportToken {
  /** SHA-256 of the compact token, in hex. */
  digest: string;
  /** When the token would be refused anyway (ms since the epoch); null when only retention forgets it. */
  expiresAt: number | null;
}

/** `replay`: the same token was stored before (by this collector or another on the same database). */
export type StoreOutcome = 'stored' | 'replay';

export interface PruneRequest {
  /** Reports received before this instant (ms since the epoch) go; undefined keeps every report. */
  before?: number | undefined;
  /** Token digests that expired by this instant are forgotten. */
  now: number;
  /** Stops between two batches (what was deleted stays deleted). */
  signal?: AbortSignal | undefined;
}

export interface PruneCounts {
  reports: number;
  instances: number;
  /** Per-instance activity rows of days and weeks that ended before the cutoff. */
  activity: number;
  tokens: number;
}

export interface Storage extends FleetReader {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Resolves only once the report is durably stored (committed). With a
   * token, the database itself refuses to store the same token twice: the
   * second time nothing is written and `replay` is returned.
   */
  store(report: Report, receivedAt: number, token?: ReportToken): Promise<StoreOutcome>;
  /** Runs one read-only query; `?` marks each parameter, in order. */
  query(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Resolves when the database answers; rejects (StorageUnavailableError for PostgreSQL) when it does not. */
  ping(): Promise<void>;
  /**
   * Deletes, a batch at a time so writers are never held up for long:
   * reports received before `before`, with the instances whose latest report
   * is that old (an instance seen since keeps its latest report), and the
   * token digests that expired or are that old. The rollups are kept: trends
   * outlive the raw reports.
   */
  prune(request: PruneRequest): Promise<PruneCounts>;
  /** Commits what is pending, then closes. */
  close(): Promise<void>;
}
