/**
 * The sentences every human-readable format shares (table, HTML, dashboard):
 * what the header says the report covers, the legend under the pairings,
 * and, when nothing is active, why and what to check.
 */
import { humaniseInstant, humaniseSeconds, percent, plural } from './humanise.ts';
import { refText, type Analysis } from './report-model.ts';

/** "4 active instances: those whose latest report arrived in the last 30d (…)" */
export function describeWindow(analysis: Analysis): string {
  const { window, instances } = analysis;
  const uptime = window.minUptimeSeconds > 0 ? ` and that have run for at least ${humaniseSeconds(window.minUptimeSeconds)}` : '';
  return `${plural(instances, 'active instance')}: instances whose latest report arrived in the last ${window.duration} (${humaniseInstant(window.from)} to ${humaniseInstant(window.to)})${uptime}.`;
}

export function describeFilters(analysis: Analysis): string {
  const f = analysis.pairFilters;
  if (f.plugin && f.then) return `${refText(f.plugin)} ⇒ ${refText(f.then)}`;
  const parts = [`support ≥ ${percent(f.minSupport)}`, `confidence ≥ ${percent(f.minConfidence)}`];
  if (f.plugin) parts.unshift(`if ${refText(f.plugin)}`);
  if (f.then) parts.unshift(`then ${refText(f.then)}`);
  else if (f.type) parts.unshift(`only ${f.type} on the then side`);
  if (f.limit > 0) parts.push(`top ${f.limit}`);
  if (!f.includeDefaults) parts.push("Connect's defaults left out");
  return parts.join(', ');
}

export const PAIR_LEGEND = [
  'instances: active instances using both; support: their share of all active instances;',
  'confidence: the share of IF’s instances that also use THEN; lift: confidence ÷ THEN’s share',
  '(above 1: found together more often than by chance; 1: no more than chance).',
];

export const DEFAULT_MARK = '*';
export const DEFAULT_LEGEND = `${DEFAULT_MARK} a default Connect fills in when a config leaves its slot out (left out of the pairings unless --include-defaults)`;

/** Why a report is empty, and what to check; one line each. */
export function explainEmpty(analysis: Analysis): string[] {
  const empty = analysis.empty;
  if (!empty) return [];
  const held =
    empty.storedInstances === 0 || empty.lastReportAt === null
      ? 'The database holds no reports yet.'
      : `The database holds ${plural(empty.storedInstances, 'instance')}; the latest report arrived ${humaniseInstant(empty.lastReportAt)}.`;
  const lines = [`No active instances: no latest report arrived in the last ${analysis.window.duration}${analysis.window.minUptimeSeconds > 0 ? ' from an instance that has run long enough' : ''}. ${held}`, 'Check:'];
  lines.push('- the delay: a sidecar sends its first report only after its delay (7 days of uptime by default, --delay);');
  lines.push(`- the window: --window ${analysis.window.duration} must reach back to when instances last reported${analysis.window.minUptimeSeconds > 0 ? `, and --min-uptime ${humaniseSeconds(analysis.window.minUptimeSeconds)} leaves out instances that have run less` : ''};`);
  lines.push("- the endpoint: each sidecar's --endpoint must point at this collector's POST /connect/telemetry, and `collect` must store into this --db.");
  return lines;
}
