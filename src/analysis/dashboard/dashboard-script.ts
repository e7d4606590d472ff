/**
 * The dashboard's script (served as /ui/app.js). It fetches
 * /api/report — the JSON `report --format json` prints — and fills the page
 * with DOM calls only (textContent, never HTML strings), so nothing in the
 * data can become markup. Search and the category filter work on the rows
 * already fetched; choosing a plugin fetches its pairings.
 *
 * Kept as plain browser JavaScript in a string: it runs in the browser, not
 * in Node, and the browser test (test/analysis/dashboard.test.ts) exercises it.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const state = { chosen: null, data: null };
  const ref = (p) => p.type + '/' + p.name;
  const percent = (share) => (share * 100).toFixed(1) + '%';
  const change = (c) => (c === null ? 'new' : (c >= 0 ? '+' : '') + (c * 100).toFixed(1) + '%');
  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60 ? (s % 60) + 's' : '');
    if (s < 86400) return Math.floor(s / 3600) + 'h' + (Math.floor((s % 3600) / 60) ? Math.floor((s % 3600) / 60) + 'm' : '');
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    return d >= 100 || h === 0 ? d + 'd' : d + 'd' + h + 'h';
  }
  function cell(text, numeric) {
    const td = document.createElement('td');
    td.textContent = String(text);
    if (numeric) td.className = 'num';
    return td;
  }
  function fill(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren(...rows);
  }
  function row(cells, numeric, data) {
    const tr = document.createElement('tr');
    cells.forEach((c, i) => tr.append(cell(c, numeric.includes(i))));
    if (data) for (const [k, v] of Object.entries(data)) tr.dataset[k] = v;
    return tr;
  }
  function visible(p) {
    const term = $('search').value.trim().toLowerCase();
    const category = $('category').value;
    return (!category || p.type === category) && (!term || ref(p).includes(term));
  }
  async function api(extra) {
    const query = new URLSearchParams({ window: $('window').value, trend: '1', ...extra });
    if ($('defaults').checked) query.set('include-defaults', '1');
    const response = await fetch('/api/report?' + query.toString());
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    return body;
  }
  function showError(error) {
    $('error').hidden = !error;
    $('error').textContent = error ? String(error.message || error) : '';
  }

  function renderSummary(data) {
    const w = data.window;
    const when = w.from.slice(0, 16).replace('T', ' ') + ' to ' + w.to.slice(0, 16).replace('T', ' ') + ' UTC';
    let text = data.instances + ' active instance' + (data.instances === 1 ? '' : 's') + ': instances whose latest report arrived in the last ' + w.duration + ' (' + when + ')';
    if (w.minUptimeSeconds > 0) text += ' and that have run for at least ' + duration(w.minUptimeSeconds);
    text += '.';
    if (data.empty) text += data.empty.lastReportAt ? ' The database holds ' + data.empty.storedInstances + ' instance(s); the latest report arrived ' + data.empty.lastReportAt.slice(0, 16).replace('T', ' ') + ' UTC: widen the window.' : ' The database holds no reports yet: check that sidecars point their --endpoint here, and their delay (7 days by default).';
    $('summary').textContent = text;
  }
  function renderPlugins(data) {
    fill($('plugins'), data.plugins.filter(visible).map((p) => {
      const tr = row([p.type, p.default ? p.name + ' *' : p.name, p.instances, percent(p.share), p.occurrences], [2, 3, 4], { plugin: ref(p) });
      if (p.default) tr.classList.add('default');
      if (state.chosen === ref(p)) tr.classList.add('chosen');
      tr.addEventListener('click', () => choose(ref(p)));
      return tr;
    }));
  }
  function renderPairs(pairs, title) {
    $('pairs-title').textContent = title;
    fill($('pairs'), pairs.map((p) => row([ref(p.if), ref(p.then), p.instances, percent(p.support), percent(p.confidence), p.lift.toFixed(2)], [2, 3, 4, 5], { if: ref(p.if), then: ref(p.then) })));
  }
  function sparkline(series) {
    const svg = document.createElementNS(SVG, 'svg');
    const width = 200, height = 28;
    svg.setAttribute('width', width); svg.setAttribute('height', height); svg.setAttribute('class', 'spark');
    const max = Math.max(1, ...series.map((s) => s.instances));
    const step = series.length > 1 ? width / (series.length - 1) : 0;
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', series.map((s, i) => (i * step).toFixed(1) + ',' + (height - 2 - (s.instances / max) * (height - 4)).toFixed(1)).join(' '));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = series.map((s) => s.from + ': ' + s.instances).join(', ');
    svg.append(title, line);
    return svg;
  }
  function renderTrends(data) {
    const periods = data.trendPeriods;
    $('trends-note').textContent = periods && periods.compared
      ? 'Instances per ' + periods.period + '; the last ' + periods.period + ' is still in progress. Change: the complete ' + periods.period + 's from ' + periods.compared.from + ' to ' + periods.compared.to + ' against as many ' + periods.period + 's before them.'
      : 'Instances per period.';
    fill($('trends'), (data.trends || []).filter(visible).slice(0, 50).map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.plugin = ref(t);
      const chart = document.createElement('td');
      chart.append(sparkline(t.series));
      tr.append(cell(ref(t)), chart, cell(t.series.length ? t.series[t.series.length - 1].instances : 0, true), cell(change(t.change), true));
      return tr;
    }));
  }
  function renderFleet(data) {
    const fleet = data.fleet;
    const svg = $('daily');
    const width = 760, base = 130;
    const max = Math.max(1, ...fleet.daily.map((d) => d.instances));
    const step = fleet.daily.length ? width / fleet.daily.length : width;
    svg.replaceChildren(...fleet.daily.map((d, i) => {
      const g = document.createElementNS(SVG, 'g');
      g.setAttribute('data-day', d.day); g.setAttribute('data-instances', d.instances);
      const rect = document.createElementNS(SVG, 'rect');
      const h = Math.max(1, Math.round((d.instances / max) * (base - 10)));
      rect.setAttribute('x', (i * step + step * 0.15).toFixed(1)); rect.setAttribute('y', base - h);
      rect.setAttribute('width', (step * 0.7).toFixed(1)); rect.setAttribute('height', h);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = d.day + ': ' + d.instances;
      g.append(title, rect);
      return g;
    }));
    if (fleet.daily.length) {
      for (const [x, anchor, text] of [[0, 'start', fleet.daily[0].day], [width, 'end', fleet.daily[fleet.daily.length - 1].day]]) {
        const label = document.createElementNS(SVG, 'text');
        label.setAttribute('x', x); label.setAttribute('y', 146); label.setAttribute('text-anchor', anchor);
        label.textContent = text;
        svg.append(label);
      }
    }
    $('uptime-title').textContent = 'Uptime' + (fleet.uptime.median === null ? '' : ' (median ' + duration(fleet.uptime.median) + ')');
    fill($('uptime'), fleet.uptime.buckets.map((b) => row([b.label, b.instances], [1])));
    fill($('platforms'), fleet.platforms.map((p) => row([p.os, p.arch, p.instances], [2])));
  }

  async function choose(plugin) {
    state.chosen = plugin;
    renderPlugins(state.data);
    try {
      const data = await api({ plugin, limit: '0', 'min-support': '0', 'min-confidence': '0' });
      if (state.chosen === plugin) renderPairs(data.pairs, 'What goes with ' + plugin);
      showError(null);
    } catch (error) {
      showError(error);
    }
  }
  async function load() {
    try {
      const data = await api({});
      state.data = data;
      renderSummary(data);
      renderPlugins(data);
      renderTrends(data);
      renderFleet(data);
      if (state.chosen && data.plugins.some((p) => ref(p) === state.chosen)) await choose(state.chosen);
      else {
        state.chosen = null;
        renderPairs(data.pairs, 'Pairings, fleet-wide (the most telling first)');
      }
      showError(null);
      document.body.dataset.loaded = 'true';
    } catch (error) {
      showError(error);
    }
  }
  const refilter = () => { if (state.data) { renderPlugins(state.data); renderTrends(state.data); } };
  $('search').addEventListener('input', refilter);
  $('category').addEventListener('change', refilter);
  $('window').addEventListener('change', load);
  $('defaults').addEventListener('change', load);
  load();
})();
`;
