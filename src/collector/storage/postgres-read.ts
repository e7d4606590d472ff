/**
 * The PostgreSQL store's pass over active instances: one hashed GROUP BY
 * with grouping sets (per component set, per host, per uptime range) and
 * the median from an ordered-set aggregate. PostgreSQL sorts or spills in
 * its own data directory, never on the machine running `report`.
 */
import type { ActiveInstances, ActiveSelection } from './fleet-reader.ts';
import type { Exec } from './postgres-transaction.ts';

const ACTIVE = 'last_seen_at >= ? AND last_seen_at <= ? AND uptime >= ?';
const GROUPS = `SELECT set_id, host_id, bucket, COUNT(*) AS n
FROM (SELECT set_id, host_id, width_bucket(uptime, ?::bigint[]) AS bucket FROM instances WHERE ${ACTIVE}) active
GROUP BY GROUPING SETS ((set_id), (host_id), (bucket))`;
const MEDIAN = `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY uptime) AS median FROM instances WHERE ${ACTIVE}`;

export function postgresActiveInstances(exec: Exec) {
  return async ({ from, to, minUptime }: ActiveSelection, edges: readonly number[]): Promise<ActiveInstances> => {
    const [groups, median, hosts] = await Promise.all([
      exec(GROUPS, [edges, from, to, minUptime]),
      exec(MEDIAN, [from, to, minUptime]),
      exec('SELECT id, go_os, go_arch FROM hosts'),
    ]);
    const bySet = new Map<number, number>();
    const byHost = new Map<number, number>();
    const counts = edges.map(() => 0);
    let instances = 0;
    for (const row of groups) {
      const n = Number(row['n']);
      if (row['set_id'] !== null) {
        bySet.set(Number(row['set_id']), n);
        instances += n;
      } else if (row['host_id'] !== null) byHost.set(Number(row['host_id']), n);
      // width_bucket counts from 1 for the first range.
      else counts[Number(row['bucket']) - 1] = n;
    }
    const platform = new Map(hosts.map((row) => [Number(row['id']), { os: row['go_os'] as string | null, arch: row['go_arch'] as string | null }]));
    return {
      instances,
      bySet,
      platforms: [...byHost].map(([id, n]) => ({ ...(platform.get(id) ?? { os: null, arch: null }), instances: n })),
      uptime: { counts, median: median[0]?.['median'] === null || median[0] === undefined ? null : Number(median[0]['median']) },
    };
  };
}
