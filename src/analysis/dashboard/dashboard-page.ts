/**
 * The dashboard's page and stylesheet. The page holds no data and no inline
 * script or style: app.js (dashboard-script.ts) fetches the analysis and
 * fills it in, under a policy that allows nothing but this origin.
 */
import { CATEGORIES } from '../../catalogue/catalogue.ts';
import { DEFAULT_LEGEND, PAIR_LEGEND } from '../report-text.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect plugin usage</title>
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<header>
<h1>Connect plugin usage</h1>
<div id="controls">
<label>Window <select id="window"><option value="7d">7 days</option><option value="30d" selected>30 days</option><option value="90d">90 days</option><option value="365d">365 days</option></select></label>
<label>Search <input id="search" type="search" placeholder="kafka, output/aws_s3…" autocomplete="off"></label>
<label>Category <select id="category"><option value="">all</option>${CATEGORIES.map((c) => `<option value="${c}">${c}</option>`).join('')}</select></label>
<label><input id="defaults" type="checkbox"> Connect's defaults in the pairings</label>
</div>
<p id="summary">Loading…</p>
<p id="error" class="error" hidden></p>
</header>
<main>
<section id="plugins-section">
<h2>Plugins</h2>
<p class="legend">Choose a plugin to see what goes with it. ${escape(DEFAULT_LEGEND)}.</p>
<table id="plugins"><thead><tr><th>Type</th><th>Name</th><th class="num">Instances</th><th class="num">Share</th><th class="num">Occurrences</th></tr></thead><tbody></tbody></table>
</section>
<section id="pairs-section">
<h2 id="pairs-title">Pairings</h2>
<table id="pairs"><thead><tr><th>If</th><th>Then</th><th class="num">Instances</th><th class="num">Support</th><th class="num">Confidence</th><th class="num">Lift</th></tr></thead><tbody></tbody></table>
<p class="legend">${escape(PAIR_LEGEND.join(' '))}</p>
</section>
<section id="trends-section">
<h2>Trends</h2>
<p id="trends-note" class="legend"></p>
<table id="trends"><thead><tr><th>Plugin</th><th>Over the window</th><th class="num">Latest</th><th class="num">Change</th></tr></thead><tbody></tbody></table>
</section>
<section id="fleet-section">
<h2>Fleet</h2>
<h3>Active instances per day (UTC)</h3>
<svg id="daily" role="img" aria-label="Active instances per day" width="760" height="150" viewBox="0 0 760 150"></svg>
<h3 id="uptime-title">Uptime</h3>
<table id="uptime"><thead><tr><th>Uptime</th><th class="num">Instances</th></tr></thead><tbody></tbody></table>
<h3>Platforms</h3>
<table id="platforms"><thead><tr><th>OS</th><th>Arch</th><th class="num">Instances</th></tr></thead><tbody></tbody></table>
</section>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #fff; border-bottom: 1px solid #ddd; padding: 1rem 2rem; }
main { padding: 0 2rem 2rem; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 2rem; }
#fleet-section, #trends-section { grid-column: 1 / -1; }
section { overflow-x: auto; } /* a wide table scrolls inside its column rather than past the page */
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.1rem; border-bottom: 1px solid #ddd; margin-top: 1.5rem; } h3 { font-size: 1rem; }
#controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
table { border-collapse: collapse; width: 100%; } th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
#plugins tbody tr { cursor: pointer; } #plugins tbody tr:hover { background: #eef3fc; } #plugins tbody tr.chosen { background: #dbe6fb; }
.legend, .note { color: #555; } .error { color: #b00020; }
.default { color: #777; }
svg text { font: 11px system-ui, sans-serif; fill: #333; } #daily rect { fill: #3b6fd4; }
.spark polyline { fill: none; stroke: #3b6fd4; stroke-width: 1.5; }
`;
