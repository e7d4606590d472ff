/**
 * Ids of the component sets and host facts a PostgreSQL batch refers to.
 * Known ones come from a bounded cache; a new one is created in a short
 * transaction of its own before the batch's (a set and its plugins commit
 * together, so no reader ever sees a set without them), which keeps the
 * batch's locks to instances, rollups and counters, taken in one order.
 */
import { LRUCache } from 'lru-cache';
import type { PostgresPool } from './postgres-pool.ts';
import { componentSetOf, hostKey, listedKey, setHash, type ComponentSet, type Incoming } from './report-rows.ts';
import * as sql from './shared-sql.ts';
import { execOn, type Exec } from './postgres-transaction.ts';
import type { ReportHost } from '../validate-report.ts';

const idOf = (rows: Record<string, unknown>[]): number | undefined => (rows[0] === undefined ? undefined : Number(rows[0]['id']));

async function createSet(exec: Exec, set: ComponentSet, components: number): Promise<number> {
  const plugins = set.plugins; // sorted by type, name: concurrent creators lock new plugins in one order
  await exec(`INSERT INTO plugins (type, name) SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT (type, name) DO NOTHING`, [plugins.map((p) => p.type), plugins.map((p) => p.name)]);
  const hash = setHash(set.key);
  const created = idOf(await exec(sql.INSERT_SET, [hash, plugins.length, components]));
  if (created === undefined) return idOf(await exec(sql.SELECT_SET, [hash])) as number;
  await exec(
    `INSERT INTO set_plugins (set_id, plugin_id, occurrences)
     SELECT ?, p.id, u.occurrences FROM unnest(?::text[], ?::text[], ?::int[]) AS u (type, name, occurrences)
     JOIN plugins p ON p.type = u.type COLLATE "C" AND p.name = u.name COLLATE "C"`,
    [created, plugins.map((p) => p.type), plugins.map((p) => p.name), plugins.map((p) => p.occurrences)],
  );
  return created;
}

async function createHost(exec: Exec, key: string, host: ReportHost): Promise<number> {
  await exec(sql.INSERT_HOST, [key, host.numCpu, host.goMaxProcs, host.goArch, host.goOS]);
  return idOf(await exec(sql.SELECT_HOST, [key])) as number;
}

export interface BatchIds {
  setIds: number[];
  hostIds: number[];
}

export function postgresDictionaries() {
  const sets = new LRUCache<string, number>({ max: 100_000 });
  // The same sets by the components as listed: the canonical form is worked out only for a list not seen lately.
  const listedSets = new LRUCache<string, number>({ max: 100_000 });
  const hosts = new LRUCache<string, number>({ max: 10_000 });
  /**
   * `pool`: where new entries are created, each in a transaction of its own;
   * without it they are created through `exec` (the migration's transaction).
   */
  return async (items: readonly Incoming[], exec: Exec, pool?: PostgresPool): Promise<BatchIds> => {
    const create = <T>(work: (e: Exec) => Promise<T>) => (pool ? pool.transaction((client) => work(execOn(client))) : work(exec));
    const setIds: number[] = [];
    const hostIds: number[] = [];
    for (const { report } of items) {
      const listed = listedKey(report);
      let setId = listedSets.get(listed);
      if (setId === undefined) {
        const set = componentSetOf(report);
        setId = sets.get(set.key);
        if (setId === undefined) sets.set(set.key, (setId = await create((e) => createSet(e, set, report.components.length))));
        listedSets.set(listed, setId);
      }
      const key = hostKey(report.host);
      let hostId = hosts.get(key);
      if (hostId === undefined) hosts.set(key, (hostId = await create((e) => createHost(e, key, report.host))));
      setIds.push(setId);
      hostIds.push(hostId);
    }
    return { setIds, hostIds };
  };
}
