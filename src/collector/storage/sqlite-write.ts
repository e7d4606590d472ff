/**
 * The SQLite store's write path: a batch of reports in one transaction. Each
 * report becomes a few integers (its instance, time, uptime, host and
 * component set, the last two stored once and referred to by id), replaces
 * its instance's latest report when it is at least as new, and updates the
 * day and week rollups. node:sqlite is synchronous: a batch runs start to
 * commit without yielding, so no read on this connection sees it half done.
 */
import type { DatabaseSync } from 'node:sqlite';
import { activityKey, activityKeys, rollUp, type ActivityInput, type ActivityRow, type Span } from './activity-rollup.ts';
import { LRUCache } from 'lru-cache';
import { componentSetOf, hostKey, latestPerInstance, listedKey, setHash, type Incoming } from './report-rows.ts';
import * as sql from './shared-sql.ts';
import type { StoreOutcome } from './storage.ts';
import type { Report, ReportHost } from '../validate-report.ts';

/** Ids remembered between batches; enough for any real fleet's sets, bounded against made-up ones. */
const CACHE_LIMITS = { plugins: 20_000, sets: 100_000, hosts: 10_000 };

function dictionaries(db: DatabaseSync) {
  const s = {
    insertPlugin: db.prepare(sql.INSERT_PLUGIN),
    selectPlugin: db.prepare(sql.SELECT_PLUGIN),
    insertSet: db.prepare(sql.INSERT_SET),
    selectSet: db.prepare(sql.SELECT_SET),
    insertSetPlugin: db.prepare(sql.INSERT_SET_PLUGIN),
    insertHost: db.prepare(sql.INSERT_HOST),
    selectHost: db.prepare(sql.SELECT_HOST),
  };
  const plugins = new LRUCache<string, number>({ max: CACHE_LIMITS.plugins });
  const sets = new LRUCache<string, number>({ max: CACHE_LIMITS.sets });
  const listedSets = new LRUCache<string, number>({ max: CACHE_LIMITS.sets });
  const hosts = new LRUCache<string, number>({ max: CACHE_LIMITS.hosts });
  const idOf = (row: unknown): number => Number((row as { id: number }).id);

  const pluginId = (type: string, name: string): number => {
    const key = `${type}/${name}`;
    let id = plugins.get(key);
    if (id === undefined) {
      s.insertPlugin.run(type, name);
      plugins.set(key, (id = idOf(s.selectPlugin.get(type, name))));
    }
    return id;
  };
  const setId = (report: Report): number => {
    const listed = listedKey(report);
    const known = listedSets.get(listed);
    if (known !== undefined) return known;
    const set = componentSetOf(report);
    let id = sets.get(set.key);
    if (id !== undefined) {
      listedSets.set(listed, id);
      return id;
    }
    const hash = setHash(set.key);
    const created = s.insertSet.get(hash, set.plugins.length, report.components.length);
    if (created === undefined) {
      id = idOf(s.selectSet.get(hash));
    } else {
      id = idOf(created);
      for (const p of set.plugins) s.insertSetPlugin.run(id, pluginId(p.type, p.name), p.occurrences);
    }
    sets.set(set.key, id);
    listedSets.set(listed, id);
    return id;
  };
  const hostId = (host: ReportHost): number => {
    const key = hostKey(host);
    let id = hosts.get(key);
    if (id === undefined) {
      s.insertHost.run(key, host.numCpu, host.goMaxProcs, host.goArch, host.goOS);
      hosts.set(key, (id = idOf(s.selectHost.get(key))));
    }
    return id;
  };
  // Ids cached during a transaction that rolled back may not exist.
  const forget = () => [plugins, sets, listedSets, hosts].forEach((cache) => cache.clear());
  return { pluginId, setId, hostId, forget };
}

/** `value ->> 0, value ->> 1, …`: the columns of a JSON array row from json_each. */
const fields = (n: number) => Array.from({ length: n }, (_, i) => `value ->> ${i}`).join(', ');

/**
 * Whole-batch statements: each takes the batch's rows as one JSON array and
 * runs over json_each, so a batch is a handful of statements, not several
 * per report. (`WHERE true` lets SQLite read the upsert after a SELECT.)
 */
function batchStatements(db: DatabaseSync) {
  return {
    latest: db.prepare(`INSERT INTO instances (${sql.INSTANCE_COLUMNS}) SELECT ${fields(6)} FROM json_each(?) WHERE true ${sql.KEEP_LATEST} RETURNING id, instance_id`),
    reports: db.prepare(`INSERT INTO reports (${sql.REPORT_COLUMNS}) SELECT ${fields(5)} FROM json_each(?)`),
    readActivity: db.prepare(`SELECT a.span_days, a.day, a.instance, a.set_id, a.uptime, a.first_at, a.last_at, a.reports
      FROM json_each(?) k JOIN instance_activity a ON a.span_days = k.value ->> 0 AND a.day = k.value ->> 1 AND a.instance = k.value ->> 2`),
    writeActivity: db.prepare(`INSERT INTO instance_activity (${sql.ACTIVITY_COLUMNS}) SELECT ${fields(8)} FROM json_each(?) WHERE true ${sql.REPLACE_ACTIVITY}`),
    addCounters: db.prepare(`INSERT INTO set_activity (${sql.COUNTER_COLUMNS}) SELECT ${fields(5)} FROM json_each(?) WHERE true ${sql.ADD_TO_COUNTER}`),
  };
}

function rollUpBatch(s: ReturnType<typeof batchStatements>, inputs: readonly ActivityInput[]): void {
  const keys = activityKeys(inputs).map((k) => [k.span, k.day, k.instance]);
  const current = new Map<string, ActivityRow>();
  for (const row of s.readActivity.all(JSON.stringify(keys)) as Record<string, number>[]) {
    const r: ActivityRow = {
      span: row['span_days'] as Span,
      day: row['day'] as number,
      instance: row['instance'] as number,
      setId: row['set_id'] as number,
      uptime: row['uptime'] as number,
      firstAt: row['first_at'] as number,
      lastAt: row['last_at'] as number,
      reports: row['reports'] as number,
    };
    current.set(activityKey(r.span, r.day, r.instance), r);
  }
  const { rows, counters } = rollUp(inputs, current);
  s.writeActivity.run(JSON.stringify(rows.map((r) => [r.span, r.day, r.instance, r.setId, r.uptime, r.firstAt, r.lastAt, r.reports])));
  s.addCounters.run(JSON.stringify(counters.map((c) => [c.span, c.day, c.setId, c.instances, c.reports])));
}

export interface SqliteWriter {
  /** Writes a batch in one transaction; throws (having rolled back) if any of it fails. One outcome per item. */
  commit(items: readonly Incoming[]): StoreOutcome[];
  /** Writes a batch inside a transaction the caller holds (the migration's). */
  write(items: readonly Incoming[]): StoreOutcome[];
}

export function createSqliteWriter(db: DatabaseSync): SqliteWriter {
  const ids = dictionaries(db);
  const s = batchStatements(db);
  const claimToken = db.prepare(sql.CLAIM_TOKEN_SQL);
  // A signed report whose token was stored before (here or by another process) is a replay: nothing of it is written.
  const claim = ({ token, receivedAt }: Incoming): StoreOutcome => (token && claimToken.run(token.digest, receivedAt, token.expiresAt).changes === 0 ? 'replay' : 'stored');
  const write = (all: readonly Incoming[]): StoreOutcome[] => {
    const outcomes = all.map(claim);
    const items = all.filter((_, i) => outcomes[i] === 'stored');
    if (items.length > 0) writeStored(items);
    return outcomes;
  };
  const writeStored = (items: readonly Incoming[]) => {
    const setIds = items.map(({ report }) => ids.setId(report));
    const hostIds = items.map(({ report }) => ids.hostId(report.host));
    // Each instance's row once per batch, in instance order.
    const latest = latestPerInstance(items, { setIds, hostIds }).map(([id, l]) => [id, l.first, l.at, l.uptime, l.hostId, l.setId]);
    const instances = new Map((s.latest.all(JSON.stringify(latest)) as { id: number; instance_id: string }[]).map((row) => [row.instance_id, Number(row.id)]));
    const inputs = items.map(({ report, receivedAt: at }, i): ActivityInput => ({ instance: instances.get(report.id) as number, at, setId: setIds[i] as number, uptime: report.uptime }));
    s.reports.run(JSON.stringify(inputs.map((input, i) => [input.instance, input.at, input.uptime, hostIds[i], input.setId])));
    rollUpBatch(s, inputs);
  };
  return {
    write,
    commit(items) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const outcomes = write(items);
        db.exec('COMMIT');
        return outcomes;
      } catch (error) {
        db.exec('ROLLBACK');
        ids.forget();
        throw error;
      }
    },
  };
}
