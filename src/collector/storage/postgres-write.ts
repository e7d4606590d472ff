/**
 * The PostgreSQL store's write path: a batch of reports in one transaction
 * of a few statements, whatever the batch's size: (0) the signed reports'
 * tokens claimed (the replay guard), (1) the latest report per instance and
 * every report, (2) the rollup rows the batch touches, read, (3) the rollup
 * rows and counters written. Concurrent writers (other batches, other
 * collectors) take their locks in one order: token digests, then instances
 * by their id, then counters by period and set; an instance's rollup rows are
 * only written by the transaction holding that instance's row, so the rows
 * read in (2) are the committed ones.
 *
 * Statements (1) and (2) go out together, with the BEGIN, in one message
 * (the pool's pipelinedTransaction): (2) finds the rows by the instances'
 * ids as reported, so it does not wait for (1)'s answer, and the server
 * still runs it after (1), in a snapshot taken once (1) holds the
 * instances' rows. (3) goes out with the COMMIT. An unsigned batch is thus
 * two round trips, a signed one three.
 */
import { activityKey, activityKeys, rollUp, type ActivityInput, type ActivityRow, type Span } from './activity-rollup.ts';
import type { BatchIds } from './postgres-dictionaries.ts';
import type { PipelinedWork } from './postgres-pool.ts';
import type { Exec } from './postgres-transaction.ts';
import { latestPerInstance, type Incoming } from './report-rows.ts';
import type { StoreOutcome } from './storage.ts';
import * as sql from './shared-sql.ts';

const LATEST_AND_REPORTS = `WITH latest AS (
  INSERT INTO instances (${sql.INSTANCE_COLUMNS})
  SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
  ${sql.KEEP_LATEST}
  RETURNING id, instance_id
), stored AS (
  INSERT INTO reports (${sql.REPORT_COLUMNS})
  SELECT latest.id, r.at, r.uptime, r.host_id, r.set_id
  FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) WITH ORDINALITY AS r (instance_id, at, uptime, host_id, set_id, n)
  JOIN latest ON latest.instance_id = r.instance_id COLLATE "C"
  ORDER BY r.n
)
SELECT id, instance_id FROM latest`;

// One index lookup per key whatever the tables' size: as a join, the planner switches to a hash join
// over the whole table while it is young (tens of thousands of rows), a full scan per batch. LIMIT 1
// (a key is the primary key: one row at most) keeps the lookup from being flattened into a join.
const READ_ACTIVITY = `SELECT a.span_days, a.day, a.instance, a.set_id, a.uptime, a.first_at, a.last_at, a.reports
FROM unnest(?::int[], ?::int[], ?::text[]) AS k (span_days, day, instance_id)
  CROSS JOIN LATERAL (
    SELECT * FROM instance_activity a
    WHERE a.span_days = k.span_days AND a.day = k.day
      AND a.instance = (SELECT i.id FROM instances i WHERE i.instance_id = k.instance_id COLLATE "C")
    LIMIT 1
  ) a`;

const WRITE_ACTIVITY = `WITH rows AS (
  INSERT INTO instance_activity (${sql.ACTIVITY_COLUMNS})
  SELECT * FROM unnest(?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[])
  ${sql.REPLACE_ACTIVITY}
)
INSERT INTO set_activity (${sql.COUNTER_COLUMNS})
SELECT * FROM unnest(?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[])
${sql.ADD_TO_COUNTER}`;

async function storeLatestAndReports(exec: Exec, items: readonly Incoming[], ids: BatchIds): Promise<Map<string, number>> {
  const latest = latestPerInstance(items, ids);
  const rows = await exec(LATEST_AND_REPORTS, [
    latest.map(([id]) => id),
    latest.map(([, l]) => l.first),
    latest.map(([, l]) => l.at),
    latest.map(([, l]) => l.uptime),
    latest.map(([, l]) => l.hostId),
    latest.map(([, l]) => l.setId),
    items.map((item) => item.report.id),
    items.map((item) => item.receivedAt),
    items.map((item) => item.report.uptime),
    ids.hostIds,
    ids.setIds,
  ]);
  return new Map(rows.map((row) => [String(row['instance_id']), Number(row['id'])]));
}

/** The rollup rows the batch touches, by the instances' ids as reported. */
async function readActivity(exec: Exec, items: readonly Incoming[]): Promise<Map<string, ActivityRow>> {
  const keys = activityKeys(items.map(({ report, receivedAt }) => ({ instance: report.id, at: receivedAt })));
  const rows = await exec(READ_ACTIVITY, [keys.map((k) => k.span), keys.map((k) => k.day), keys.map((k) => k.instance)]);
  const current = new Map<string, ActivityRow>();
  for (const row of rows) {
    const r: ActivityRow = {
      span: Number(row['span_days']) as Span,
      day: Number(row['day']),
      instance: Number(row['instance']),
      setId: Number(row['set_id']),
      uptime: Number(row['uptime']),
      firstAt: Number(row['first_at']),
      lastAt: Number(row['last_at']),
      reports: Number(row['reports']),
    };
    current.set(activityKey(r.span, r.day, r.instance), r);
  }
  return current;
}

// Digests sorted, so collectors claiming the same tokens lock them in one order; taken before any instance.
const CLAIM_TOKENS = `INSERT INTO seen_tokens (digest, received_at, expires_at)
SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[]) ON CONFLICT (digest) DO NOTHING RETURNING digest`;

/** Each item's fate: a signed report whose token was stored before (or earlier in this batch) is a replay. */
async function claimTokens(exec: Exec, items: readonly Incoming[]): Promise<StoreOutcome[]> {
  const first = new Map<string, number>();
  items.forEach(({ token }, i) => token && !first.has(token.digest) && first.set(token.digest, i));
  if (first.size === 0) return items.map(() => 'stored');
  const digests = [...first.keys()].sort();
  const at = (digest: string) => items[first.get(digest) as number] as Incoming;
  const rows = await exec(CLAIM_TOKENS, [digests, digests.map((d) => at(d).receivedAt), digests.map((d) => at(d).token?.expiresAt ?? null)]);
  const claimed = new Set(rows.map((row) => String(row['digest'])));
  return items.map(({ token }, i) => (!token || (claimed.has(token.digest) && first.get(token.digest) === i) ? 'stored' : 'replay'));
}

/**
 * Writes a batch through `exec`, inside a transaction the caller holds; one
 * outcome per item, and the last statement, still in flight (the caller
 * commits once it is answered).
 */
export async function writePostgresBatch(exec: Exec, all: readonly Incoming[], allIds: BatchIds): Promise<PipelinedWork<StoreOutcome[]>> {
  const outcomes = await claimTokens(exec, all);
  const keep = (_: unknown, i: number) => outcomes[i] === 'stored';
  const items = all.filter(keep);
  const { last } = items.length > 0 ? await writeStored(exec, items, { setIds: allIds.setIds.filter(keep), hostIds: allIds.hostIds.filter(keep) }) : { last: Promise.resolve() };
  return { result: outcomes, last };
}

async function writeStored(exec: Exec, items: readonly Incoming[], ids: BatchIds): Promise<{ last: Promise<unknown> }> {
  // Both statements are sent now; should the first fail, its error is the one thrown.
  const stored = storeLatestAndReports(exec, items, ids);
  const read = readActivity(exec, items);
  read.catch(() => undefined);
  const instanceIds = await stored;
  const inputs = items.map(({ report, receivedAt }, i): ActivityInput => ({
    instance: instanceIds.get(report.id) as number,
    at: receivedAt,
    setId: ids.setIds[i] as number,
    uptime: report.uptime,
  }));
  const { rows, counters } = rollUp(inputs, await read);
  const last = exec(WRITE_ACTIVITY, [
    ...(['span', 'day', 'instance', 'setId', 'uptime', 'firstAt', 'lastAt', 'reports'] as const).map((field) => rows.map((r) => r[field])),
    ...(['span', 'day', 'setId', 'instances', 'reports'] as const).map((field) => counters.map((c) => c[field])),
  ]);
  return { last };
}
