/**
 * Which plugins the active instances use: each active component set's
 * instance count spread over the set's plugins. Pure; the store's summaries in.
 */
import type { StoredSets } from '../collector/storage/fleet-reader.ts';
import { isConnectDefault } from './connect-defaults.ts';
import type { PluginUse } from './report-model.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Active instances and occurrences per plugin id. */
export function countPlugins(bySet: ReadonlyMap<number, number>, stored: StoredSets): Map<number, { instances: number; occurrences: number }> {
  const counts = new Map<number, { instances: number; occurrences: number }>();
  for (const [setId, instances] of bySet) {
    for (const { plugin, occurrences } of stored.sets.get(setId) ?? []) {
      const entry = counts.get(plugin) ?? { instances: 0, occurrences: 0 };
      entry.instances += instances;
      entry.occurrences += instances * occurrences;
      counts.set(plugin, entry);
    }
  }
  return counts;
}

/** Sorted by instances, then occurrences (descending), then type and name. */
export function pluginUses(counts: ReadonlyMap<number, { instances: number; occurrences: number }>, stored: StoredSets, total: number): (PluginUse & { id: number })[] {
  const uses: (PluginUse & { id: number })[] = [];
  for (const [id, { instances, occurrences }] of counts) {
    const ref = stored.plugins.get(id) ?? { type: 'unknown', name: `#${id}` };
    uses.push({ id, type: ref.type, name: ref.name, instances, share: total === 0 ? 0 : instances / total, occurrences, default: isConnectDefault(ref) });
  }
  return uses.sort((a, b) => b.instances - a.instances || b.occurrences - a.occurrences || cmp(a.type, b.type) || cmp(a.name, b.name));
}
