/**
 * How a validated report becomes rows, the same for both stores: the schema
 * version both write, occurrences per plugin, and the components as stored.
 */
import type { Report } from '../validate-report.ts';

/** The schema version this program writes; older databases are migrated up to it. */
export const SCHEMA_VERSION = 2;

/** Occurrences per {type, name} of one report, in first-seen order. */
export function countComponents(report: Report): { type: string; name: string; occurrences: number }[] {
  const counts = new Map<string, { type: string; name: string; occurrences: number }>();
  for (const { type, name } of report.components) {
    const key = `${type}/${name}`;
    const entry = counts.get(key);
    if (entry) entry.occurrences++;
    else counts.set(key, { type, name, occurrences: 1 });
  }
  return [...counts.values()];
}

/** The components as stored in `reports.components`: the payload's own shape. */
export const componentsJson = (report: Report): string => JSON.stringify(report.components);
