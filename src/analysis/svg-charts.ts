/**
 * Small charts as inline SVG strings for the HTML report: horizontal bars,
 * columns over time, and a sparkline per trend. Every text is escaped; no
 * script, no external resource.
 */

export const escapeHtml = (text: string | number): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export interface Bar {
  label: string;
  value: number;
  title: string;
  data: Record<string, string | number>;
}

/** Horizontal bars, one per row, scaled to the largest value. */
export function horizontalBars(id: string, bars: readonly Bar[], caption: string): string {
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
export function columns(id: string, points: readonly { label: string; value: number }[], caption: string): string {
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

export function htmlTable(id: string, head: string[], rows: (string | number)[][], numeric: ReadonlySet<number>): string {
  if (rows.length === 0) return `<p class="empty">None.</p>`;
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** One trend as a line over its periods, scaled to its own largest value. */
export function sparkline(points: readonly { from: string; instances: number }[], label: string): string {
  const width = 160;
  const height = 32;
  const max = Math.max(1, ...points.map((p) => p.instances));
  const step = points.length > 1 ? width / (points.length - 1) : 0;
  const xy = points.map((p, i) => `${(i * step).toFixed(1)},${(height - 2 - (p.instances / max) * (height - 4)).toFixed(1)}`).join(' ');
  const title = points.map((p) => `${p.from}: ${p.instances}`).join(', ');
  return `<svg class="spark" role="img" aria-label="${escapeHtml(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeHtml(title)}</title><polyline points="${xy}"></polyline></svg>`;
}
