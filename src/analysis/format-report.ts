/**
 * An analysis for other programs: JSON (exact ratios, nothing rounded) and
 * CSV (RFC 4180: the plugin table, the pair table and, with trends, the
 * trend table, each with its header, separated by blank lines). Pure: an
 * Analysis in, a string out. The table for people is in format-table.ts.
 */
import type { Analysis, Pairing } from './report-model.ts';

export function formatJson(analysis: Analysis): string {
  const { window, instances, plugins, pairs, pairFilters, fleet, trends, empty } = analysis;
  const out: Record<string, unknown> = {
    window,
    instances,
    plugins: plugins.map(({ type, name, instances, share, occurrences, default: isDefault }) => ({ type, name, instances, share, occurrences, default: isDefault })),
    pairs: pairs.map((p: Pairing) => ({ if: p.if, then: p.then, instances: p.instances, support: p.support, confidence: p.confidence, lift: p.lift })),
    filters: pairFilters,
    fleet,
  };
  if (trends) {
    out['trends'] = trends.plugins.map(({ type, name, series, change }) => ({ type, name, series, change }));
    out['trendPeriods'] = { period: trends.period, compared: trends.compared };
  }
  if (empty) out['empty'] = empty;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break. */
const csvField = (value: string | number | boolean | null) => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csvLine = (fields: (string | number | boolean | null)[]) => fields.map(csvField).join(',');

export function formatCsv(analysis: Analysis): string {
  const lines = [
    csvLine(['type', 'name', 'instances', 'share', 'occurrences', 'default']),
    ...analysis.plugins.map((p) => csvLine([p.type, p.name, p.instances, p.share, p.occurrences, p.default])),
    '',
    csvLine(['if_type', 'if_name', 'then_type', 'then_name', 'instances', 'support', 'confidence', 'lift']),
    ...analysis.pairs.map((p) => csvLine([p.if.type, p.if.name, p.then.type, p.then.name, p.instances, p.support, p.confidence, p.lift])),
  ];
  const trends = analysis.trends?.plugins;
  if (trends) {
    // One row per plugin, one column per period (headed by its first day), the change last.
    const dates = trends[0]?.series.map((s) => s.from) ?? [];
    lines.push('', csvLine(['type', 'name', ...dates, 'change']), ...trends.map((t) => csvLine([t.type, t.name, ...t.series.map((s) => s.instances), t.change])));
  }
  return `${lines.join('\r\n')}\r\n`;
}
