/**
 * An analysis as one self-contained HTML page: inline CSS, charts drawn as
 * inline SVG, no script, and a Content-Security-Policy that forbids fetching
 * anything, so the page opens the same offline, from a file or an email.
 */
import type { Analysis, PluginRef } from './report-model.ts';
import { describeFilters } from './format-report.ts';

const escapeHtml = (text: string | number): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const ref = (p: PluginRef) => `${p.type}/${p.name}`;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Most plugins drawn in the chart; the table below it lists them all. */
const CHART_PLUGINS = 40;

interface Bar {
  label: string;
  value: number;
  title: string;
  data: Record<string, string | number>;
}

/** Horizontal bars, one per row, scaled to the largest value. */
function horizontalBars(id: string, bars: readonly Bar[], caption: string): string {
  if (bars.length === 0) return `<p class="empty">No data.</p>`;
  const row = 22;
  const labelWidth = 260;
  const barWidth = 420;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * row + 10;
  const items = bars
    .map((bar, i) => {
      const width = Math.max(1, Math.round((bar.value / max) * barWidth));
      const y = i * row + 5;
      const data = Object.entries(bar.data)
        .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
        .join('');
      return (
        `<g class="bar"${data}><title>${escapeHtml(bar.title)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${width}" height="${row - 6}"></rect>` +
        `<text x="${labelWidth + width + 6}" y="${y + 15}">${escapeHtml(bar.value)}</text></g>`
      );
    })
    .join('');
  return `<svg id="${id}" role="img" aria-label="${escapeHtml(caption)}" width="${labelWidth + barWidth + 80}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 80} ${height}">${items}</svg>`;
}

/** Vertical bars over time (one per day). */
function columns(id: string, points: readonly { label: string; value: number }[], caption: string): string {
  if (points.length === 0) return `<p class="empty">No data.</p>`;
  const width = 700;
  const height = 180;
  const base = height - 30;
  const step = width / points.length;
  const max = Math.max(1, ...points.map((p) => p.value));
  const items = points
    .map((p, i) => {
      const h = Math.max(1, Math.round((p.value / max) * (base - 20)));
      const x = i * step + step * 0.15;
      return (
        `<g class="column" data-day="${escapeHtml(p.label)}" data-instances="${p.value}"><title>${escapeHtml(`${p.label}: ${p.value}`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${base - h}" width="${(step * 0.7).toFixed(1)}" height="${h}"></rect></g>`
      );
    })
    .join('');
  const first = points[0]?.label ?? '';
  const last = points[points.length - 1]?.label ?? '';
  return (
    `<svg id="${id}" role="img" aria-label="${escapeHtml(caption)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${items}` +
    `<text x="0" y="${height - 8}">${escapeHtml(first)}</text><text x="${width}" y="${height - 8}" text-anchor="end">${escapeHtml(last)}</text>` +
    `<text x="0" y="12">max ${max}</text></svg>`
  );
}

function htmlTable(id: string, head: string[], rows: (string | number)[][], numeric: ReadonlySet<number>): string {
  if (rows.length === 0) return `<p class="empty">None.</p>`;
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; max-width: 1000px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; } .empty { color: #777; }
svg text { font: 12px system-ui, sans-serif; fill: #333; } svg rect { fill: #d43c2b; } .column rect { fill: #3b6fd4; }
`;

export function formatHtml(analysis: Analysis): string {
  const { window, instances, plugins, pairs, fleet } = analysis;
  const pluginBars = plugins.slice(0, CHART_PLUGINS).map((p) => ({
    label: ref(p),
    value: p.instances,
    title: `${ref(p)}: ${p.instances} instance(s), ${percent(p.share)}, ${p.occurrences} occurrence(s)`,
    data: { plugin: ref(p), instances: p.instances },
  }));
  const uptimeBars = fleet.uptime.buckets.map((b) => ({ label: b.label, value: b.instances, title: `${b.label}: ${b.instances}`, data: { bucket: b.label, instances: b.instances } }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect plugin usage: ${instances} instance(s)</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Connect plugin usage</h1>
<p id="summary"><strong id="instances">${instances}</strong> active instance(s): latest report between ${escapeHtml(window.from)} and ${escapeHtml(window.to)} (${escapeHtml(window.duration)}${window.minUptimeSeconds > 0 ? `, uptime ≥ ${window.minUptimeSeconds}s` : ''}); ${fleet.reports} report(s) in the window.</p>

<h2>Plugins</h2>
${horizontalBars('plugin-chart', pluginBars, 'Instances using each plugin')}
${htmlTable('plugins', ['Type', 'Name', 'Instances', 'Share', 'Occurrences'], plugins.map((p) => [p.type, p.name, p.instances, percent(p.share), p.occurrences]), new Set([2, 3, 4]))}

<h2>Pairings</h2>
<p>${escapeHtml(describeFilters(analysis))}. Support: share of active instances using both; confidence: P(then | if); lift: confidence ÷ P(then).</p>
${htmlTable('pairs', ['If', 'Then', 'Instances', 'Support', 'Confidence', 'Lift'], pairs.map((p) => [ref(p.if), ref(p.then), p.instances, percent(p.support), percent(p.confidence), p.lift.toFixed(2)]), new Set([2, 3, 4, 5]))}

<h2>Fleet</h2>
<h3>Active instances per day (UTC)</h3>
${columns('daily-chart', fleet.daily.map((d) => ({ label: d.day, value: d.instances })), 'Active instances per day')}
<h3>Uptime${fleet.uptime.median === null ? '' : ` (median ${fleet.uptime.median}s)`}</h3>
${horizontalBars('uptime-chart', uptimeBars, 'Instances by uptime')}
<h3>Platforms</h3>
${htmlTable('platforms', ['OS', 'Arch', 'Instances'], fleet.platforms.map((p) => [p.os, p.arch, p.instances]), new Set([2]))}
</body>
</html>
`;
}
