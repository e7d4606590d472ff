/**
 * Which plugins go together: association rules X ⇒ Y over the active
 * instances, counted set by set (each distinct component set's pairs once,
 * weighted by its instances), so the cost grows with Σ |set|² over the
 * distinct sets, not with instances. Pure.
 */
import type { StoredSets } from '../collector/storage/fleet-reader.ts';
import { refText, sameRef, type AnalysisOptions, type Pairing, type PluginRef, type PluginUse } from './report-model.ts';

/** Least number of instances that reaches a share, without float surprises (0.3 × 10 = 3, not 4). */
export function leastCount(share: number, total: number): number {
  return Math.max(1, Math.ceil(share * total - 1e-9));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: Pairing, b: Pairing) => cmp(refText(a.if), refText(b.if)) || cmp(refText(a.then), refText(b.then));

/** For one plugin's companions: the most common first (confidence follows instances there). */
export const comparePairs = (a: Pairing, b: Pairing): number => b.instances - a.instances || b.confidence - a.confidence || b.lift - a.lift || byName(a, b);

/**
 * For the fleet-wide rules: the most telling first, by lift (how much more
 * often B goes with A than chance), then confidence, then instances. A rule
 * whose B is on every instance (lift 1) says nothing and sinks.
 */
export const comparePairsByLift = (a: Pairing, b: Pairing): number => b.lift - a.lift || b.confidence - a.confidence || b.instances - a.instances || byName(a, b);

type Used = PluginUse & { id: number };

/** Counts instances using both plugins of each pair, over the plugins `keep` accepts. */
function countPairs(bySet: ReadonlyMap<number, number>, stored: StoredSets, index: ReadonlyMap<number, number>, keep: (id: number) => boolean) {
  const size = index.size;
  const dense = size <= 4096 ? new Float64Array(size * size) : undefined;
  const sparse = new Map<number, number>();
  for (const [setId, instances] of bySet) {
    const members = (stored.sets.get(setId) ?? [])
      .filter((p) => keep(p.plugin))
      .map((p) => index.get(p.plugin) as number)
      .sort((a, b) => a - b);
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const cell = (members[i] as number) * size + (members[j] as number);
        if (dense) dense[cell]! += instances;
        else sparse.set(cell, (sparse.get(cell) ?? 0) + instances);
      }
    }
  }
  const pairs: [number, number, number][] = [];
  if (dense) dense.forEach((n, cell) => n > 0 && pairs.push([Math.floor(cell / size), cell % size, n]));
  else for (const [cell, n] of sparse) pairs.push([Math.floor(cell / size), cell % size, n]);
  return pairs;
}

/** Instances using each plugin together with `x` (over the plugins `keep` accepts). */
function companionsOf(x: number, bySet: ReadonlyMap<number, number>, stored: StoredSets, keep: (id: number) => boolean): Map<number, number> {
  const both = new Map<number, number>();
  for (const [setId, instances] of bySet) {
    const members = stored.sets.get(setId) ?? [];
    if (!members.some((p) => p.plugin === x)) continue;
    for (const { plugin } of members) if (plugin !== x && keep(plugin)) both.set(plugin, (both.get(plugin) ?? 0) + instances);
  }
  return both;
}

export interface PairInputs {
  bySet: ReadonlyMap<number, number>;
  stored: StoredSets;
  /** Every plugin an active instance uses (all categories). */
  used: readonly Used[];
  total: number;
}

export function pairings({ bySet, stored, used, total }: PairInputs, options: AnalysisOptions): Pairing[] {
  const byId = new Map(used.map((u) => [u.id, u]));
  const byRef = new Map(used.map((u) => [refText(u), u]));
  const idOf = (ref: PluginRef) => byRef.get(refText(ref))?.id;
  const rule = (a: PluginRef, b: PluginRef, both: number): Pairing => {
    const nA = byRef.get(refText(a))?.instances ?? 0;
    const nB = byRef.get(refText(b))?.instances ?? 0;
    return {
      if: { type: a.type, name: a.name },
      then: { type: b.type, name: b.name },
      instances: both,
      support: total === 0 ? 0 : both / total,
      confidence: nA === 0 ? 0 : both / nA,
      lift: nA === 0 || nB === 0 ? 0 : (both * total) / (nA * nB),
    };
  };
  // Defaults sit out unless asked for, by flag or by name.
  const keep = (id: number) => {
    const u = byId.get(id);
    return u !== undefined && (options.includeDefaults === true || !u.default || (options.then !== undefined && sameRef(u, options.then)) || (options.plugin !== undefined && sameRef(u, options.plugin)));
  };
  const thenSide = (r: Pairing) => (options.then ? sameRef(r.then, options.then) : options.type === undefined || r.then.type === options.type);
  const { plugin, then } = options;
  let rules: Pairing[];
  if (plugin !== undefined) {
    const x = idOf(plugin);
    const both = x === undefined ? new Map<number, number>() : companionsOf(x, bySet, stored, keep);
    // The question was asked directly: answer it even when the figures are low, or zero.
    if (then !== undefined) return sameRef(plugin, then) ? [] : [rule(plugin, then, both.get(idOf(then) ?? -1) ?? 0)];
    rules = [...both].map(([y, n]) => rule(plugin, byId.get(y) as Used, n));
  } else {
    if (total === 0) return [];
    const index = new Map(used.map((u, i) => [u.id, i]));
    const least = leastCount(options.minSupport, total);
    rules = [];
    for (const [i, j, n] of countPairs(bySet, stored, index, keep)) {
      if (n < least) continue;
      const x = used[i] as Used;
      const y = used[j] as Used;
      rules.push(rule(x, y, n), rule(y, x, n));
    }
  }
  const kept = rules
    .filter((r) => thenSide(r) && r.instances >= leastCount(options.minSupport, total) && r.confidence >= options.minConfidence - 1e-12)
    .sort(plugin !== undefined ? comparePairs : comparePairsByLift);
  return options.limit > 0 ? kept.slice(0, options.limit) : kept;
}
