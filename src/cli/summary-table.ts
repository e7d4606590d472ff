/**
 * `inspect`'s table: what was found where, one row per component, with the
 * names as written. Local use only: nothing here is ever sent or logged.
 */
import { relative } from 'node:path';
import type { Summary } from '../config/summarise.ts';

export function formatSummaryTable(summary: Summary, cwd: string): string {
  const rows: string[][] = [['FILE', 'PATH', 'CATEGORY', 'NAME']];
  for (const file of summary.files) {
    const nearby = relative(cwd, file.path);
    const shown = nearby === '' || nearby.startsWith('..') ? file.path : nearby;
    for (const c of file.components) {
      const name = c.known ? c.name : `unknown (written "${c.writtenName ?? '?'}", not in catalogue)`;
      rows.push([shown, c.path, c.category, c.defaulted ? `${name} (default)` : name]);
    }
  }
  for (const c of summary.instanceDefaults) rows.push(['(instance)', c.path, c.category, `${c.name} (default)`]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  const total = summary.files.reduce((n, f) => n + f.components.length, 0) + summary.instanceDefaults.length;
  return `${lines.join('\n')}\n\n${total} component(s) in ${summary.files.length} file(s)\n`;
}
