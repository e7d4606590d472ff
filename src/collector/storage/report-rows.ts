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

/**
 * The components as listed, as one string: a cheap cache key for the set
 * (an instance sends the same list, in the same order, report after report),
 * so the canonical form is only worked out for a list not seen lately.
 */
export const listedKey = (report: Pick<Report, 'components'>): string => report.components.map((c) => `${c.type}/${c.name}`).join(' ');

/** What the database keys a set by: a SHA-256 of the canonical text (fixed size, whatever the set's size). */
export const setHash = (key: string): string => createHash('sha256').update(key).digest('base64url');

/** The host facts as one key; a fact not reported is empty. */
export const hostKey = (host: ReportHost): string => [host.numCpu ?? '', host.goMaxProcs ?? '', host.goArch ?? '', host.goOS ?? ''].join('|');

/** One instance's row as a batch leaves it: its earliest report, and its latest (with that report's facts). */
export interface LatestOfBatch {
  first: number;
  at: number;
  uptime: number;
  hostId: number;
  setId: number;
}

/**
 * One row per instance for a batch, sorted by instance id (so concurrent
 * writers lock instances in one order): the later report wins a tie, as it
 * would one by one. `ids` holds each item's host and set ids, by position.
 */
export function latestPerInstance(items: readonly Incoming[], ids: { hostIds: readonly number[]; setIds: readonly number[] }): [string, LatestOfBatch][] {
  const byInstance = new Map<string, LatestOfBatch>();
  items.forEach(({ report, receivedAt: at }, i) => {
    const known = byInstance.get(report.id);
    const entry = { first: Math.min(known?.first ?? at, at), at, uptime: report.uptime, hostId: ids.hostIds[i] as number, setId: ids.setIds[i] as number };
    byInstance.set(report.id, known && known.at > at ? { ...known, first: entry.first } : entry);
  });
  return [...byInstance.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
