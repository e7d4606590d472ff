/**
 * An analysis as one self-contained HTML page: inline CSS, charts drawn as
 * inline SVG (svg-charts.ts), no script, and a Content-Security-Policy that
 * forbids fetching anything, so the page opens the same offline, from a
 * file or an email. It says what the table says (format-table.ts), in the
 * same words, and with --plugin only the answer asked for.
 */
import { humaniseChange, humaniseSeconds, percent } from './humanise.ts';
import { refText, sameRef, type Analysis, type PluginRef, type Trends } from './report-model.ts';
import { DEFAULT_LEGEND, DEFAULT_MARK, describeFilters, describeWindow, explainEmpty, PAIR_LEGEND } from './report-text.ts';
import { columns, escapeHtml, horizontalBars, htmlTable, sparkline } from './svg-charts.ts';

/** Most plugins drawn in the chart; the table below it lists them all. */
const CHART_PLUGINS = 40;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; max-width: 1000px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; } .empty, .legend { color: #555; }
svg text { font: 12px system-ui, sans-serif; fill: #333; } svg rect { fill: #d43c2b; } .column rect { fill: #3b6fd4; }
.spark polyline { fill: none; stroke: #3b6fd4; stroke-width: 1.5; }
`;

function pluginsSection(analysis: Analysis): string {
  const { plugins } = analysis;
  const bars = plugins.slice(0, CHART_PLUGINS).map((p) => ({
    label: `${refText(p)}${p.default ? ` ${DEFAULT_MARK}` : ''}`,
    value: p.instances,
    title: `${refText(p)}: ${p.instances} instance(s), ${percent(p.share)}, ${p.occurrences} occurrence(s)`,
    data: { plugin: refText(p), instances: p.instances },
  }));
  const rows = plugins.map((p) => [p.type, p.default ? `${p.name} ${DEFAULT_MARK}` : p.name, p.instances, percent(p.share), p.occurrences]);
  const legend = plugins.some((p) => p.default) ? `<p class="legend">${escapeHtml(DEFAULT_LEGEND)}</p>` : '';
  return `<h2>Plugins</h2>
${horizontalBars('plugin-chart', bars, 'Instances using each plugin')}
${htmlTable('plugins', ['Type', 'Name', 'Instances', 'Share', 'Occurrences'], rows, new Set([2, 3, 4]))}
${legend}`;
}

function pairsSection(analysis: Analysis): string {
  const rows = analysis.pairs.map((p) => [refText(p.if), refText(p.then), p.instances, percent(p.support), percent(p.confidence), p.lift.toFixed(2)]);
  return `<h2>Pairings</h2>
<p>${escapeHtml(describeFilters(analysis))}.</p>
${htmlTable('pairs', ['If', 'Then', 'Instances', 'Support', 'Confidence', 'Lift'], rows, new Set([2, 3, 4, 5]))}
<p class="legend">${escapeHtml(PAIR_LEGEND.join(' '))}</p>`;
}

function trendsSection(trends: Trends, only?: readonly PluginRef[]): string {
  const shown = trends.plugins.filter((t) => only === undefined || only.some((ref) => sameRef(ref, t)));
  const rows = shown
    .map((t) => {
      const last = t.series[t.series.length - 1]?.instances ?? 0;
      return `<tr data-plugin="${escapeHtml(refText(t))}"><td>${escapeHtml(refText(t))}</td><td>${sparkline(t.series, `${refText(t)} per ${trends.period}`)}</td><td class="num">${last}</td><td class="num">${escapeHtml(humaniseChange(t.change))}</td></tr>`;
    })
    .join('\n');
  const compared = trends.compared ? ` Change: the complete ${trends.period}s from ${trends.compared.from} to ${trends.compared.to} against as many ${trends.period}s before them.` : '';
  return `<h2>Trends</h2>
<p>Instances per ${trends.period}; the last ${trends.period} is still in progress.${escapeHtml(compared)}</p>
${shown.length === 0 ? '<p class="empty">None.</p>' : `<table id="trends"><thead><tr><th>Plugin</th><th>Per ${trends.period}</th><th class="num">Latest</th><th class="num">Change</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}`;
}

function fleetSection(analysis: Analysis): string {
  const { fleet } = analysis;
  const uptimeBars = fleet.uptime.buckets.map((b) => ({ label: b.label, value: b.instances, title: `${b.label}: ${b.instances}`, data: { bucket: b.label, instances: b.instances } }));
  return `<h2>Fleet</h2>
<p>${fleet.reports} report(s) from these instances on the days below.</p>
<h3>Active instances per day (UTC)</h3>
${columns('daily-chart', fleet.daily.map((d) => ({ label: d.day, value: d.instances })), 'Active instances per day')}
<h3>Uptime${fleet.uptime.median === null ? '' : ` (median ${humaniseSeconds(fleet.uptime.median)})`}</h3>
${horizontalBars('uptime-chart', uptimeBars, 'Instances by uptime')}
<h3>Platforms</h3>
${htmlTable('platforms', ['OS', 'Arch', 'Instances'], fleet.platforms.map((p) => [p.os, p.arch, p.instances]), new Set([2]))}`;
}

function body(analysis: Analysis): string {
  if (analysis.empty) return explainEmpty(analysis).map((line) => `<p class="empty">${escapeHtml(line)}</p>`).join('\n');
  const { plugin, then } = analysis.pairFilters;
  const asked = [plugin, then].filter((p) => p !== null);
  if (asked.length > 0) {
    const uses = asked.map((ref) => {
      const use = analysis.plugins.find((p) => sameRef(p, ref));
      return `<p class="asked">${escapeHtml(use ? `${refText(ref)}: used by ${use.instances} of ${analysis.instances} active instances (${percent(use.share)}).` : `${refText(ref)}: no active instance uses it.`)}</p>`;
    });
    return [...uses, pairsSection(analysis), analysis.trends ? trendsSection(analysis.trends, asked) : ''].join('\n');
  }
  return [pluginsSection(analysis), pairsSection(analysis), analysis.trends ? trendsSection(analysis.trends) : '', fleetSection(analysis)].join('\n');
}

export function formatHtml(analysis: Analysis): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect plugin usage: ${analysis.instances} instance(s)</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Connect plugin usage</h1>
<p id="summary"><strong id="instances">${analysis.instances}</strong> ${escapeHtml(describeWindow(analysis).replace(/^\d+ /, ''))}</p>
${body(analysis)}
</body>
</html>
`;
}
