/**
 * The table `inspect` prints: every component found, where, what it counts
 * as and why. Local use only, never sent and never logged: it is the one
 * place that shows names a user wrote that the catalogue does not know.
 */
import { relative } from 'node:path';
import type { Summary } from '../config/summarise.ts';
import type { ComponentRef } from '../config/walk-components.ts';

const quoted = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(', ');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Why a component has its name, in a few words. */
export function explainNaming(component: ComponentRef): string {
  const naming = component.naming;
  const written = component.written ?? [];
  if (component.defaulted || naming === undefined) return "Connect's default when the config leaves it out";
  switch (naming.rule) {
    case 'type':
      return 'named by type:';
    case 'inferred':
      return `inferred: 1 known key of ${naming.keys}`;
    case 'unknown-type':
      return `unknown: type: names no component the catalogue knows (written ${quoted(written)})`;
    case 'no-known-key':
      return naming.keys === 0 ? 'unknown: no key names a component' : `unknown: no key the catalogue knows (written ${quoted(written)})`;
    case 'several-known-keys':
      return `unknown: ${plural(naming.known, 'key')} the catalogue knows (${quoted(written)}), so Connect cannot infer one`;
  }
}

/** A plain-text table of what was found where, and why it counts as it does. */
export function formatSummaryTable(summary: Summary, cwd: string): string {
  const rows: string[][] = [['FILE', 'PATH', 'CATEGORY', 'NAME', 'WHY']];
  for (const file of summary.files) {
    const nearby = relative(cwd, file.path);
    const shown = nearby === '' || nearby.startsWith('..') ? file.path : nearby;
    for (const c of file.components) rows.push([shown, c.path, c.category, c.name, explainNaming(c)]);
  }
  for (const c of summary.instanceDefaults) rows.push(['(instance)', c.path, c.category, c.name, explainNaming(c)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  const total = summary.files.reduce((n, f) => n + f.components.length, 0) + summary.instanceDefaults.length;
  return `${lines.join('\n')}\n\n${plural(total, 'component')} in ${plural(summary.files.length, 'file')}\n`;
}
