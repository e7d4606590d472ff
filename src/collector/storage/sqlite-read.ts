/**
 * The SQLite store's pass over active instances. SQLite groups by sorting,
 * which over a million instances costs seconds (and a temporary sort); so
 * the one scan calls a JavaScript function per active row instead, which
 * tallies instances per component set and per host and keeps the uptimes,
 * at about twice the cost of a bare COUNT(*) over the same rows.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ActiveInstances, ActiveSelection, PlatformCount } from './fleet-reader.ts';

/** A growable array of counts indexed by id (ids are small, dense integers). */
class Tally {
  counts = new Uint32Array(1024);
  add(id: number): void {
    if (id >= this.counts.length) {
      const grown = new Uint32Array(Math.max(id + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[id]! += 1;
  }
  entries(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((n, id) => n > 0 && out.push([id, n]));
    return out;
  }
}

/** Counts per range [edges[i], edges[i+1]) of sorted values, and their lower median. */
export function summariseUptimes(sorted: Float64Array, edges: readonly number[]): ActiveInstances['uptime'] {
  const counts = edges.map(() => 0);
  let bucket = 0;
  for (const value of sorted) {
    while (bucket + 1 < edges.length && value >= (edges[bucket + 1] as number)) bucket++;
    counts[bucket]!++;
  }
  return { counts, median: sorted.length === 0 ? null : (sorted[(sorted.length - 1) >> 1] as number) };
}

export function sqliteActiveInstances(db: DatabaseSync) {
  let sets = new Tally();
  let hosts = new Tally();
  let uptimes = new Float64Array(1024);
  let n = 0;
  db.function('ct_tally_active', { deterministic: false }, (setId, hostId, uptime) => {
    sets.add(Number(setId));
    hosts.add(Number(hostId));
    if (n === uptimes.length) {
      const grown = new Float64Array(n * 2);
      grown.set(uptimes);
      uptimes = grown;
    }
    uptimes[n++] = Number(uptime);
    return 0;
  });
  const scan = db.prepare('SELECT COUNT(ct_tally_active(set_id, host_id, uptime)) AS n FROM instances WHERE last_seen_at >= ? AND last_seen_at <= ? AND uptime >= ?');
  const hostRows = db.prepare('SELECT id, go_os, go_arch FROM hosts');

  return (selection: ActiveSelection, uptimeEdges: readonly number[]): ActiveInstances => {
    sets = new Tally();
    hosts = new Tally();
    n = 0;
    scan.get(selection.from, selection.to, selection.minUptime);
    const sorted = uptimes.slice(0, n).sort();
    const platforms = new Map<number, { os: string | null; arch: string | null }>();
    for (const row of hostRows.all() as { id: number; go_os: string | null; go_arch: string | null }[]) platforms.set(row.id, { os: row.go_os, arch: row.go_arch });
    return {
      instances: n,
      bySet: new Map(sets.entries()),
      platforms: hosts.entries().map(([id, instances]): PlatformCount => ({ ...(platforms.get(id) ?? { os: null, arch: null }), instances })),
      uptime: summariseUptimes(sorted, uptimeEdges),
    };
  };
}
