/**
 * How a validated report becomes rows, the same for both stores: the schema
 * version both write, occurrences per plugin, the report's component set in
 * a canonical form (so that every instance running the same plugins shares
 * one stored set), and its host facts as one key.
 */
import { createHash } from 'node:crypto';
import type { Report, ReportHost } from '../validate-report.ts';
import type { ReportToken } from './storage.ts';

/** The schema version this program writes; older databases are migrated up to it. */
export const SCHEMA_VERSION = 3;

export interface PluginCount {
  type: string;
  name: string;
  occurrences: number;
}

/** A report as it is written: validated, with the collector's time of receipt (ms since the epoch), and its token if it was signed. */
export interface Incoming {
  report: Report;
  receivedAt: number;
  token?: ReportToken | undefined;
}

/** Occurrences per {type, name} of one report, in first-seen order. */
export function countComponents(report: Pick<Report, 'components'>): PluginCount[] {
  const counts = new Map<string, PluginCount>();
  for (const { type, name } of report.components) {
    const key = `${type}/${name}`;
    const entry = counts.get(key);
    if (entry) entry.occurrences++;
    else counts.set(key, { type, name, occurrences: 1 });
  }
  return [...counts.values()];
}

/** A report's plugins with their occurrences, in one order whatever the report's order. */
export interface ComponentSet {
  /** The canonical text: one `type/name×occurrences` per plugin, sorted, joined by spaces. */
  key: string;
  plugins: PluginCount[];
}

const byRef = (a: PluginCount, b: PluginCount) => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type < b.type ? -1 : 1);

export function componentSetOf(report: Pick<Report, 'components'>): ComponentSet {
  const plugins = countComponents(report).sort(byRef);
  return { key: plugins.map((p) => `${p.type}/${p.name}×${p.occurrences}`).join(' '), plugins };
}

/** What the database keys a set by: a SHA-256 of the canonical text (fixed size, whatever the set's size). */
export const setHash = (key: string): string => createHash('sha256').update(key).digest('base64url');

/** The host facts as one key; a fact not reported is empty. */
export const hostKey = (host: ReportHost): string => [host.numCpu ?? '', host.goMaxProcs ?? '', host.goArch ?? '', host.goOS ?? ''].join('|');
