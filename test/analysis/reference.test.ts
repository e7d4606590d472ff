/**
 * The analysis against a plain recount: a seeded fleet's raw reports are kept
 * in memory and every figure is counted again here, straight from them, by
 * the definitions in docs/collector.md (written here independently of the
 * code under test), then compared on both stores over windows that cut days,
 * with and without a least uptime, with reports after the window's end, and
 * with instances that change their component set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../src/analysis/analyse.ts';
import type { Analysis, AnalysisOptions } from '../../src/analysis/report-model.ts';
import type { Report } from '../../src/collector/validate-report.ts';
import { seededRandom, seededUuid } from '../../src/lib/random.ts';
import { DAY, HOUR, NOW, report, storeFleet } from '../helpers/fleet.ts';
import { STORAGE_BACKENDS } from '../helpers/storage-backends.ts';

const DEFAULTS = new Set(['input/stdin', 'buffer/none', 'output/stdout', 'metrics/prometheus', 'tracer/none']);
const CONFIGS = [
  ['input/kafka', 'buffer/none', 'processor/mapping', 'processor/mapping', 'output/aws_s3', 'metrics/prometheus', 'tracer/none'],
  ['input/kafka', 'buffer/none', 'processor/mutation', 'output/kafka', 'metrics/prometheus', 'tracer/none'],
  ['input/http_server', 'buffer/none', 'processor/mapping', 'output/stdout', 'metrics/prometheus', 'tracer/none'],
  ['input/stdin', 'processor/log', 'output/aws_s3', 'cache/redis'],
  ['input/generate', 'processor/mapping', 'processor/branch', 'output/kafka', 'output/aws_s3'],
];
const PLATFORMS = [['linux', 'amd64'], ['linux', 'arm64'], ['darwin', 'arm64']] as const;

/** 40 instances, each reporting a few times to a few dozen times over 70 days; some change config midway. */
function seededFleet(): [Report, number][] {
  const random = seededRandom(15);
  const fleet: [Report, number][] = [];
  for (let i = 0; i < 40; i++) {
    const id = seededUuid(random);
    const [os, arch] = PLATFORMS[i % PLATFORMS.length] as readonly [string, string];
    let config = CONFIGS[Math.floor(random() * CONFIGS.length)] as string[];
    const start = NOW - Math.floor(random() * 70 * DAY);
    const count = 1 + Math.floor(random() * 30);
    let uptime = Math.floor(random() * 5000);
    for (let n = 0; n < count; n++) {
      // Reports up to 12 days after NOW too, so some windows end before an instance's latest.
      const at = start + Math.floor(random() * (NOW + 12 * DAY - start));
      if (random() < 0.15) config = CONFIGS[Math.floor(random() * CONFIGS.length)] as string[];
      uptime += Math.floor(random() * 20_000);
      fleet.push([report(id, uptime, config, os, arch), at]);
    }
  }
  // Two reports at the same instant: the one stored later counts as the latest.
  const [tied] = fleet[0] as [Report, number];
  fleet.push([report(tied.id, 1, CONFIGS[3] as string[], 'linux', 'amd64'), NOW - 3 * HOUR], [report(tied.id, 2, CONFIGS[4] as string[], 'linux', 'amd64'), NOW - 3 * HOUR]);
  // Three instances close to the end, one reporting on both sides of a midnight.
  for (const [i, hours] of [[1, [-2, -30]], [2, [-5]], [3, [-7, -9]]] as const) {
    const [r] = fleet[i * 9] as [Report, number];
    for (const h of hours) fleet.push([report(r.id, r.uptime + 100_000, CONFIGS[i] as string[], 'linux', 'arm64'), NOW + 12 * DAY + h * HOUR]);
  }
  return fleet;
}

const key = (c: { type: string; name: string }) => `${c.type}/${c.name}`;
const dayOf = (ms: number) => Math.floor(ms / DAY);
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** The latest of some reports: the newest, the later stored on a tie. */
const latestOf = (list: [Report, number, number][]) => list.reduce((a, b) => (b[1] >= a[1] ? b : a));
const setOf = (r: Report) => {
  const counts = new Map<string, number>();
  for (const c of r.components) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return counts;
};

function recount(fleet: [Report, number][], o: AnalysisOptions) {
  const from = o.now - o.windowMs;
  const stored = fleet.map(([r, at], order) => [r, at, order] as [Report, number, number]);
  const byInstance = new Map<string, [Report, number, number][]>();
  for (const entry of stored) byInstance.set(entry[0].id, [...(byInstance.get(entry[0].id) ?? []), entry]);
  const active = new Map<string, Report>();
  for (const [id, list] of byInstance) {
    const [r, at] = latestOf(list);
    if (at >= from && at <= o.now && r.uptime >= o.minUptimeSeconds) active.set(id, r);
  }
  const n = active.size;
  const plugins = new Map<string, { instances: number; occurrences: number }>();
  for (const r of active.values()) for (const [k, occ] of setOf(r)) plugins.set(k, { instances: (plugins.get(k)?.instances ?? 0) + 1, occurrences: (plugins.get(k)?.occurrences ?? 0) + occ });
  const pairs = new Map<string, number>();
  for (const r of active.values()) {
    const ks = [...setOf(r).keys()].filter((k) => o.includeDefaults || !DEFAULTS.has(k));
    for (const x of ks) for (const y of ks) if (x !== y) pairs.set(`${x} ${y}`, (pairs.get(`${x} ${y}`) ?? 0) + 1);
  }
  const rules = [...pairs]
    .filter(([, both]) => both >= Math.max(1, Math.ceil(o.minSupport * n - 1e-9)))
    .map(([xy, both]) => {
      const [x, y] = xy.split(' ') as [string, string];
      const nx = plugins.get(x)?.instances ?? 0;
      const ny = plugins.get(y)?.instances ?? 0;
      return `${x} ⇒ ${y} ${both} ${(both / n).toFixed(9)} ${(both / nx).toFixed(9)} ${((both * n) / (nx * ny)).toFixed(9)}`;
    })
    .sort();
  // Per day: active instances with a report in [from, now] that day; and all their reports that day.
  const daily = new Map<number, { instances: Set<string>; reports: number }>();
  for (const [r, at] of stored) if (active.has(r.id) && at >= from && at <= o.now) daily.set(dayOf(at), { instances: (daily.get(dayOf(at))?.instances ?? new Set()).add(r.id), reports: 0 });
  for (const [r, at] of stored) if (daily.get(dayOf(at))?.instances.has(r.id)) daily.get(dayOf(at))!.reports++;
  const uptimes = [...active.values()].map((r) => r.uptime).sort((a, b) => a - b);
  const edges = [0, 3600, 86_400, 604_800, 2_592_000, Infinity];
  const platforms = new Map<string, number>();
  for (const r of active.values()) platforms.set(`${r.host.goOS}/${r.host.goArch}`, (platforms.get(`${r.host.goOS}/${r.host.goArch}`) ?? 0) + 1);
  return {
    instances: n,
    plugins: [...plugins].map(([k, v]) => `${k} ${v.instances} ${v.occurrences} ${DEFAULTS.has(k)}`).sort(),
    rules,
    daily: [...daily].sort(([a], [b]) => a - b).map(([d, v]) => `${dateOf(d)} ${v.instances.size}`),
    reports: [...daily.values()].reduce((s, v) => s + v.reports, 0),
    uptime: { median: uptimes.length === 0 ? null : uptimes[(uptimes.length - 1) >> 1], buckets: edges.slice(0, -1).map((e, i) => uptimes.filter((u) => u >= e && u < (edges[i + 1] as number)).length) },
    platforms: [...platforms].map(([k, v]) => `${k} ${v}`).sort(),
    trends: recountTrends(stored, o, from),
  };
}

/** Periods (days up to a 14-day window, else ISO weeks) the window touches; per period, each instance's latest report in it. */
function recountTrends(stored: [Report, number, number][], o: AnalysisOptions, from: number) {
  const span = o.windowMs <= 14 * DAY ? 1 : 7;
  const start = (day: number) => (span === 1 ? day : day - ((day + 3) % 7)); // day 0 was a Thursday
  const first = start(dayOf(from));
  const last = start(dayOf(o.now));
  const complete = (last - first) / span;
  const periods = new Map<number, Map<string, [Report, number, number][]>>();
  for (const entry of stored) {
    const p = start(dayOf(entry[1]));
    if (p < first - complete * span || p > last) continue;
    const byInstance = periods.get(p) ?? new Map();
    byInstance.set(entry[0].id, [...(byInstance.get(entry[0].id) ?? []), entry]);
    periods.set(p, byInstance);
  }
  const counts = new Map<string, Map<number, number>>();
  for (const [p, byInstance] of periods) {
    for (const list of byInstance.values()) {
      const [r] = latestOf(list);
      if (r.uptime < o.minUptimeSeconds) continue;
      for (const k of setOf(r).keys()) counts.set(k, (counts.get(k) ?? new Map()).set(p, (counts.get(k)?.get(p) ?? 0) + 1));
    }
  }
  return [...counts]
    .map(([k, perPeriod]) => {
      const sum = (a: number, b: number) => [...perPeriod].filter(([p]) => p >= a && p < b).reduce((s, [, v]) => s + v, 0);
      const previous = sum(first - complete * span, first);
      const current = sum(first, last);
      const series = [];
      for (let p = first; p <= last; p += span) series.push(`${dateOf(p)}:${perPeriod.get(p) ?? 0}`);
      return `${k} ${series.join(',')} ${previous === 0 ? 'null' : ((current - previous) / previous).toFixed(9)}`;
    })
    .sort();
}

function summary(a: Analysis) {
  return {
    instances: a.instances,
    plugins: a.plugins.map((p) => `${key(p)} ${p.instances} ${p.occurrences} ${p.default}`).sort(),
    rules: a.pairs.map((r) => `${key(r.if)} ⇒ ${key(r.then)} ${r.instances} ${r.support.toFixed(9)} ${r.confidence.toFixed(9)} ${r.lift.toFixed(9)}`).sort(),
    daily: a.fleet.daily.map((d) => `${d.day} ${d.instances}`),
    reports: a.fleet.reports,
    uptime: { median: a.fleet.uptime.median, buckets: a.fleet.uptime.buckets.map((b) => b.instances) },
    platforms: a.fleet.platforms.map((p) => `${p.os}/${p.arch} ${p.instances}`).sort(),
    trends: (a.trends?.plugins ?? []).map((t) => `${key(t)} ${t.series.map((s) => `${s.from}:${s.instances}`).join(',')} ${t.change === null ? 'null' : t.change.toFixed(9)}`).sort(),
  };
}

const BASE: AnalysisOptions = { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0, minConfidence: 0, limit: 0, trend: true };
const CASES: [string, AnalysisOptions][] = [
  ['30 days to a mid-day end', BASE],
  ['30 days with defaults in the pairings', { ...BASE, includeDefaults: true }],
  ['a least uptime of 1h', { ...BASE, minUptimeSeconds: 3600 }],
  ['an end 10 days 5 hours back, before some instances’ latest reports', { ...BASE, now: NOW - 10 * DAY - 5 * HOUR }],
  ['7 days (daily periods) after every report, with a least uptime of 1d', { ...BASE, now: NOW + 12 * DAY + 7 * HOUR, windowMs: 7 * DAY, minUptimeSeconds: 86_400 }],
  ['7 days after every report, fast path', { ...BASE, now: NOW + 12 * DAY + 7 * HOUR, windowMs: 7 * DAY }],
  ['6 hours inside one day, in the past', { ...BASE, windowMs: 6 * HOUR, now: NOW - 2 * DAY + 3 * HOUR }],
  ['one day across midnight, after every report', { ...BASE, windowMs: DAY, now: NOW + 12 * DAY + 3 * HOUR }],
  ['one day across midnight, in the past, with a least uptime', { ...BASE, windowMs: DAY, now: NOW - 5 * DAY - 9 * HOUR, minUptimeSeconds: 600 }],
  ['20 hours inside one day, after every report', { ...BASE, windowMs: 20 * HOUR, now: NOW + 12 * DAY + 11 * HOUR }],
  ['90 days with 10% support', { ...BASE, windowMs: 90 * DAY, minSupport: 0.1 }],
];


for (const [label, open] of STORAGE_BACKENDS) {
  describe(`analyse over ${label} against a recount of the raw reports`, () => {
    it('gives the recount’s answers in every window', async (t) => {
      const storage = await open(t);
      if (!storage) return;
      t.after(() => storage.close());
      const fleet = seededFleet();
      await storeFleet(storage, fleet);
      for (const [name, options] of CASES) {
        const expected = recount(fleet, options);
        assert.ok(expected.instances > 0 || name.includes('in the past'), `${name}: the case has active instances`);
        assert.deepEqual(summary(await analyse(storage, options)), expected, name);
      }
    });
  });
}
