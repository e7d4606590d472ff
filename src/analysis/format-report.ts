/**
 * An analysis as text: a table for people, JSON and CSV for other programs.
 * Pure: an Analysis in, a string out. Rounding happens only here, for
 * display; JSON keeps the exact ratios.
 */
import type { Analysis, Pairing, PluginRef } from './report-model.ts';

const ref = (p: PluginRef) => `${p.type}/${p.name}`;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function formatJson(analysis: Analysis): string {
  const { window, instances, plugins, pairs, pairFilters, fleet } = analysis;
  return `${JSON.stringify(
    {
      window,
      instances,
      plugins: plugins.map(({ type, name, instances, share, occurrences }) => ({ type, name, instances, share, occurrences })),
      pairs: pairs.map((p: Pairing) => ({ if: p.if, then: p.then, instances: p.instances, support: p.support, confidence: p.confidence, lift: p.lift })),
      filters: pairFilters,
      fleet,
    },
    null,
    2,
  )}\n`;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function describeFilters(analysis: Analysis): string {
  const f = analysis.pairFilters;
  if (f.plugin && f.then) return `${ref(f.plugin)} ⇒ ${ref(f.then)}`;
  const parts = [`support ≥ ${percent(f.minSupport)}`, `confidence ≥ ${percent(f.minConfidence)}`];
  if (f.plugin) parts.unshift(`if ${ref(f.plugin)}`);
  if (f.then) parts.unshift(`then ${ref(f.then)}`);
  if (f.limit > 0) parts.push(`top ${f.limit}`);
  return parts.join(', ');
}

export function formatTable(analysis: Analysis): string {
  const { window, instances, plugins, pairs, fleet } = analysis;
  const out: string[] = [];
  const uptime = window.minUptimeSeconds > 0 ? `, uptime ≥ ${window.minUptimeSeconds}s` : '';
  out.push(`${instances} active instance(s): latest report between ${window.from} and ${window.to} (${window.duration}${uptime})`, '');

  out.push('Plugins');
  out.push(
    plugins.length === 0
      ? '  (none)'
      : table(
          [['TYPE', 'NAME', 'INSTANCES', 'SHARE', 'OCCURRENCES'], ...plugins.map((p) => [p.type, p.name, String(p.instances), percent(p.share), String(p.occurrences)])],
          new Set([2, 3, 4]),
        ),
  );
  out.push('', `Pairings (${describeFilters(analysis)})`);
  out.push(
    pairs.length === 0
      ? '  (none)'
      : table(
          [
            ['IF', '', 'THEN', 'INSTANCES', 'SUPPORT', 'CONFIDENCE', 'LIFT'],
            ...pairs.map((p) => [ref(p.if), '⇒', ref(p.then), String(p.instances), percent(p.support), percent(p.confidence), p.lift.toFixed(2)]),
          ],
          new Set([3, 4, 5, 6]),
        ),
  );
  out.push('', `Fleet: ${fleet.reports} report(s) in the window`);
  out.push('Active instances per day (UTC)');
  out.push(fleet.daily.length === 0 ? '  (none)' : table([['DAY', 'INSTANCES'], ...fleet.daily.map((d) => [d.day, String(d.instances)])], new Set([1])));
  out.push('', `Uptime (median ${fleet.uptime.median === null ? '-' : `${fleet.uptime.median}s`})`);
  out.push(table([['UPTIME', 'INSTANCES'], ...fleet.uptime.buckets.map((b) => [b.label, String(b.instances)])], new Set([1])));
  out.push('', 'Platforms');
  out.push(fleet.platforms.length === 0 ? '  (none)' : table([['OS', 'ARCH', 'INSTANCES'], ...fleet.platforms.map((p) => [p.os, p.arch, String(p.instances)])], new Set([2])));
  return `${out.join('\n')}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break. */
const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csvLine = (fields: (string | number)[]) => fields.map(csvField).join(',');

/** Two tables, plugins then pairs, each with its header, separated by a blank line. */
export function formatCsv(analysis: Analysis): string {
  const lines = [
    csvLine(['type', 'name', 'instances', 'share', 'occurrences']),
    ...analysis.plugins.map((p) => csvLine([p.type, p.name, p.instances, p.share, p.occurrences])),
    '',
    csvLine(['if_type', 'if_name', 'then_type', 'then_name', 'instances', 'support', 'confidence', 'lift']),
    ...analysis.pairs.map((p) => csvLine([p.if.type, p.if.name, p.then.type, p.then.name, p.instances, p.support, p.confidence, p.lift])),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
