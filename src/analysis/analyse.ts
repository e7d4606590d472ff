/**
 * The questions `report` answers, from the store's summaries: which plugins
 * the active instances use, which go together, the fleet, and (when asked)
 * each plugin's trend. The store does one pass over its instances and reads
 * dictionaries and rollups; everything here is arithmetic over distinct
 * component sets, so the cost does not grow with the reports kept.
 *
 * An instance is *active* when its latest report falls inside the window
 * (and its uptime is at least the minimum); every figure but the trends is
 * over active instances and their latest components.
 */
import type { FleetReader, StoredSets } from '../collector/storage/fleet-reader.ts';
import { formatDuration } from '../lib/duration.ts';
import { fleetOf, UPTIME_EDGES } from './fleet.ts';
import { pairings } from './pairings.ts';
import { countPlugins, pluginUses } from './plugin-usage.ts';
import { refText, type Analysis, type AnalysisOptions, type PluginRef } from './report-model.ts';
import { suggestPlugins, UnknownPluginError } from './suggest-plugins.ts';
import { trendsOf } from './trends.ts';

/** A plugin asked about must be one some stored report names. */
function checkAsked(stored: StoredSets, asked: readonly (PluginRef | undefined)[]): void {
  const known = [...stored.plugins.values()];
  const names = new Set(known.map(refText));
  for (const ref of asked) if (ref !== undefined && !names.has(refText(ref))) throw new UnknownPluginError(ref, suggestPlugins(ref, known));
}

export async function analyse(reader: FleetReader, options: AnalysisOptions): Promise<Analysis> {
  const from = options.now - options.windowMs;
  const selection = { from, to: options.now, minUptime: options.minUptimeSeconds };
  const [active, stored] = await Promise.all([reader.activeInstances(selection, UPTIME_EDGES), reader.componentSets()]);
  checkAsked(stored, [options.plugin, options.then]);
  const total = active.instances;
  const used = pluginUses(countPlugins(active.bySet, stored), stored, total);
  const pairs = pairings({ bySet: active.bySet, stored, used, total }, options);
  const fleet = await fleetOf(reader, selection, active);
  const plugins = used.filter((u) => options.type === undefined || u.type === options.type).map(({ id: _id, ...use }) => use);
  const analysis: Analysis = {
    window: { from: new Date(from).toISOString(), to: new Date(options.now).toISOString(), duration: formatDuration(options.windowMs), minUptimeSeconds: options.minUptimeSeconds },
    instances: total,
    plugins,
    pairs,
    pairFilters: {
      minSupport: options.minSupport,
      minConfidence: options.minConfidence,
      plugin: options.plugin ?? null,
      then: options.then ?? null,
      limit: options.limit,
      type: options.type ?? null,
      includeDefaults: options.includeDefaults === true,
    },
    fleet,
  };
  if (options.trend) analysis.trends = await trendsOf(reader, selection, options.windowMs, stored, plugins, options.type);
  if (total === 0) {
    const totals = await reader.totals();
    analysis.empty = { storedInstances: totals.instances, lastReportAt: totals.lastSeenAt === null ? null : new Date(totals.lastSeenAt).toISOString() };
  }
  return analysis;
}
