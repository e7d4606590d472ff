/**
 * SQL both stores run, written once: the replay guard's table and statement,
 * and retention (pruning in short batches). `?` marks each parameter; the
 * PostgreSQL store numbers them. Where the two dialects differ, both forms
 * sit side by side here.
 */
import type { PruneCounts, PruneRequest, Row, SqlValue } from './storage.ts';

/**
 * Migration 2 (the same text in both stores): the digest of every token
 * stored. The primary key is what refuses a replay, whichever collector
 * receives it; `expires_at` is when the token would be refused anyway, so
 * its digest can go then.
 */
export const SEEN_TOKENS_MIGRATION = `CREATE TABLE seen_tokens (
    digest TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    expires_at BIGINT
  );
  CREATE INDEX seen_tokens_received_at ON seen_tokens (received_at);
  CREATE INDEX seen_tokens_expires_at ON seen_tokens (expires_at);`;

/** Claims a token for the report being stored: changes no row when the token was stored before. */
export const CLAIM_TOKEN_SQL = 'INSERT INTO seen_tokens (digest, received_at, expires_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING';

export type Dialect = 'sqlite' | 'postgres';

/** One statement's effect: rows changed, and rows returned (RETURNING). */
export interface RunResult {
  changes: number;
  rows: Row[];
}

/** What a store lends the pruner: one transaction at a time, and a pause that lets its writers in between. */
export interface PruneTarget {
  dialect: Dialect;
  transaction<T>(work: (run: (sql: string, params: readonly SqlValue[]) => Promise<RunResult>) => Promise<T>): Promise<T>;
  pause(): Promise<void>;
}

/** Rows deleted per transaction: short enough that a writer waits milliseconds, not seconds. */
export const PRUNE_BATCH = 1000;

// The outer `last_seen_at < ?` is checked again on a row a writer has just
// updated (PostgreSQL), so an instance that reported meanwhile is kept.
const DELETE_INACTIVE_INSTANCES = `DELETE FROM instances
  WHERE last_seen_at < ? AND id IN (SELECT id FROM instances WHERE last_seen_at < ? ORDER BY id LIMIT ?)
  RETURNING id`;

const DELETE_COMPONENTS_OF: Record<Dialect, string> = {
  sqlite: 'DELETE FROM instance_components WHERE instance IN (SELECT value FROM json_each(?))',
  postgres: 'DELETE FROM instance_components WHERE instance IN (SELECT value::bigint FROM json_array_elements_text(?::json))',
};

// An instance still in `instances` was seen at or after the cutoff, and its
// latest report was received then: so this never deletes an active instance's latest report.
const DELETE_OLD_REPORTS = `DELETE FROM reports
  WHERE id IN (SELECT id FROM reports WHERE received_at < ? ORDER BY received_at LIMIT ?)`;

const DELETE_EXPIRED_TOKENS = `DELETE FROM seen_tokens
  WHERE digest IN (SELECT digest FROM seen_tokens WHERE expires_at < ? LIMIT ?)`;

const DELETE_OLD_TOKENS = `DELETE FROM seen_tokens
  WHERE digest IN (SELECT digest FROM seen_tokens WHERE received_at < ? LIMIT ?)`;

/** Runs one kind of batch until a batch finds nothing more to delete (or the signal stops it); returns how many went. */
async function untilDone(target: PruneTarget, signal: AbortSignal | undefined, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const deleted = await batch();
    total += deleted;
    if (deleted === 0) break;
    await target.pause();
  }
  return total;
}

/**
 * Prunes as the Storage interface describes, a batch per transaction:
 * inactive instances (with their components) first, so that no instance is
 * ever left without its latest report, then old reports, then token digests.
 */
export async function pruneInBatches(target: PruneTarget, request: PruneRequest, batchSize = PRUNE_BATCH): Promise<PruneCounts> {
  const counts: PruneCounts = { reports: 0, instances: 0, tokens: 0 };
  const { before, signal } = request;
  if (before !== undefined) {
    counts.instances = await untilDone(target, signal, () =>
      target.transaction(async (run) => {
        const { rows } = await run(DELETE_INACTIVE_INSTANCES, [before, before, batchSize]);
        if (rows.length > 0) await run(DELETE_COMPONENTS_OF[target.dialect], [JSON.stringify(rows.map((row) => Number(row['id'])))]);
        return rows.length;
      }),
    );
    counts.reports = await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_OLD_REPORTS, [before, batchSize])).changes));
    counts.tokens = await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_OLD_TOKENS, [before, batchSize])).changes));
  }
  counts.tokens += await untilDone(target, signal, () => target.transaction(async (run) => (await run(DELETE_EXPIRED_TOKENS, [request.now, batchSize])).changes));
  return counts;
}
