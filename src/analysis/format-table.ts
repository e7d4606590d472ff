/**
 * An analysis as text for a terminal: a header that says what the figures
 * cover, the plugins (Connect's defaults marked), the pairings with their
 * legend, trends when asked for, and the fleet. With --plugin (or --then),
 * only the answer asked for. Pure: an Analysis in, a string out.
 */
import { humaniseChange, humaniseSeconds, percent, plural } from './humanise.ts';
import { refText, sameRef, type Analysis, type Pairing, type Trends } from './report-model.ts';
import { DEFAULT_LEGEND, DEFAULT_MARK, describeFilters, describeWindow, explainEmpty, PAIR_LEGEND } from './report-text.ts';

/** Columns padded to their widest cell; `right` columns aligned right. */
export function table(rows: string[][], right: ReadonlySet<number>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const indent = (lines: readonly string[]) => lines.map((line) => `  ${line}`);

function pluginSection(analysis: Analysis): string[] {
  const { plugins } = analysis;
  if (plugins.length === 0) return ['Plugins', `  (none${analysis.pairFilters.type ? ` of type ${analysis.pairFilters.type}` : ''})`];
  const rows = plugins.map((p) => [p.type, p.default ? `${p.name} ${DEFAULT_MARK}` : p.name, String(p.instances), percent(p.share), String(p.occurrences)]);
  const lines = ['Plugins', table([['TYPE', 'NAME', 'INSTANCES', 'SHARE', 'OCCURRENCES'], ...rows], new Set([2, 3, 4]))];
  if (plugins.some((p) => p.default)) lines.push(...indent([DEFAULT_LEGEND]));
  return lines;
}

function pairRows(pairs: readonly Pairing[]): string {
  return table(
    [['IF', '', 'THEN', 'INSTANCES', 'SUPPORT', 'CONFIDENCE', 'LIFT'], ...pairs.map((p) => [refText(p.if), '⇒', refText(p.then), String(p.instances), percent(p.support), percent(p.confidence), p.lift.toFixed(2)])],
    new Set([3, 4, 5, 6]),
  );
}

function pairSection(analysis: Analysis, title: string): string[] {
  return [title, analysis.pairs.length === 0 ? '  (none at these thresholds; lower --min-support or --min-confidence to see more)' : pairRows(analysis.pairs), ...indent(PAIR_LEGEND)];
}

/** Per-period columns when they fit, else a sparkline with the first and last values. */
function trendSection(trends: Trends, keep: (t: { type: string; name: string }) => boolean): string[] {
  const shown = trends.plugins.filter(keep);
  const unit = trends.period;
  const compared = trends.compared ? `change: the complete ${unit}s from ${trends.compared.from} to ${trends.compared.to} against as many ${unit}s before them` : 'change: needs a complete period in the window';
  const head = [`Trends (instances per ${unit}, by the start of the ${unit}; the last ${unit} is still in progress; ${compared})`];
  if (shown.length === 0) return [...head, '  (none)'];
  const dates = shown[0]?.series.map((s) => s.from.slice(5)) ?? [];
  const columns = dates.length <= 8;
  const bars = '▁▂▃▄▅▆▇█';
  const spark = (values: number[]) => {
    const max = Math.max(1, ...values);
    return values.map((v) => bars[Math.min(7, Math.floor((v / max) * 7.999))]).join('');
  };
  const rows = shown.map((t) => {
    const values = t.series.map((s) => s.instances);
    const middle = columns ? values.map(String) : [spark(values), `${values[0]} → ${values[values.length - 1]}`];
    return [refText(t), ...middle, humaniseChange(t.change)];
  });
  const header = ['PLUGIN', ...(columns ? dates : [`${dates[0]} … ${dates[dates.length - 1]}`, 'FIRST → LAST']), 'CHANGE'];
  const right = new Set(columns ? [...dates.keys()].map((i) => i + 1).concat(dates.length + 1) : [2, 3]);
  return [...head, table([header, ...rows], right)];
}

function fleetSection(analysis: Analysis): string[] {
  const { fleet } = analysis;
  const median = fleet.uptime.median === null ? '-' : humaniseSeconds(fleet.uptime.median);
  return [
    `Fleet: ${plural(fleet.reports, 'report')} from these instances on the days below`,
    'Active instances per day (UTC)',
    fleet.daily.length === 0 ? '  (none)' : table([['DAY', 'INSTANCES'], ...fleet.daily.map((d) => [d.day, String(d.instances)])], new Set([1])),
    '',
    `Uptime (median ${median})`,
    table([['UPTIME', 'INSTANCES'], ...fleet.uptime.buckets.map((b) => [b.label, String(b.instances)])], new Set([1])),
    '',
    'Platforms',
    fleet.platforms.length === 0 ? '  (none)' : table([['OS', 'ARCH', 'INSTANCES'], ...fleet.platforms.map((p) => [p.os, p.arch, String(p.instances)])], new Set([2])),
  ];
}

/** The answer to --plugin (and --then): that plugin's use, its pairs, its trend. */
function answerSections(analysis: Analysis): string[][] {
  const { plugin, then } = analysis.pairFilters;
  const asked = [plugin, then].filter((p) => p !== null);
  const uses = asked.map((ref) => {
    const use = analysis.plugins.find((p) => sameRef(p, ref));
    return use ? `${refText(ref)}: used by ${use.instances} of ${analysis.instances} active instances (${percent(use.share)}), ${plural(use.occurrences, 'occurrence')}.` : `${refText(ref)}: no active instance uses it.`;
  });
  const title = plugin && then ? `Pairing (${describeFilters(analysis)})` : `Pairings (${describeFilters(analysis)})`;
  const sections = [uses, pairSection(analysis, title)];
  if (analysis.trends) sections.push(trendSection(analysis.trends, (t) => asked.some((ref) => sameRef(ref, t))));
  return sections;
}

export function formatTable(analysis: Analysis): string {
  const sections: string[][] = [['Connect plugin usage', ...indent([describeWindow(analysis)])]];
  if (analysis.empty) {
    sections.push(explainEmpty(analysis));
  } else if (analysis.pairFilters.plugin || analysis.pairFilters.then) {
    sections.push(...answerSections(analysis));
  } else {
    sections.push(pluginSection(analysis), pairSection(analysis, `Pairings (${describeFilters(analysis)})`));
    if (analysis.trends) sections.push(trendSection(analysis.trends, () => true));
    sections.push(fleetSection(analysis));
  }
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
