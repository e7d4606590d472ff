/**
 * The report benchmark: `report --format json --trend` (the built binary, a
 * process per run) over large fleets written through the stores' own write
 * path, beside its floor measured in the same run: one plain scan of the
 * same instances (bench/scan-floor.ts), also a process per run. Peak memory
 * is each process's maxrss, and CPU time its user + system time (bench/peak-rss.mjs).
 *
 * - BENCH_FLEET_INSTANCES (default 1,000,000) active instances on SQLite, one report each;
 * - 10,000 instances with 3 reports each against the same fleet with
 *   BENCH_HISTORY_REPORTS (default 720: hourly for 30 days) each, timed in turn;
 * - BENCH_PG_FLEET_INSTANCES (default 200,000; 0 skips) on PostgreSQL, when
 *   one is at hand (bench/postgres-server.ts).
 *
 * A size of 0 skips its figure (BENCH_FLEET_INSTANCES=0 BENCH_PG_FLEET_INSTANCES=0
 * times only the history comparison). Run on its own with `npm run bench:report`;
 * `npm run bench` runs it too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openPostgresStorage } from '../src/collector/storage/postgres-storage.ts';
import { openSqliteStorage } from '../src/collector/storage/sqlite-storage.ts';
import type { Storage } from '../src/collector/storage/storage.ts';
import { DAY, DISTINCT_SETS, fillFleet, type FleetShape } from './fleet-data.ts';
import type { Figure } from './figure.ts';
import type { BenchPostgres } from './postgres-server.ts';
import { median } from './statistics.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const FLEET = Number(process.env['BENCH_FLEET_INSTANCES'] ?? 1_000_000);
const HISTORY = Number(process.env['BENCH_HISTORY_REPORTS'] ?? 720);
const PG_FLEET = Number(process.env['BENCH_PG_FLEET_INSTANCES'] ?? 200_000);
const RUNS = Number(process.env['BENCH_REPORT_RUNS'] ?? 3);

/** Runs a node process `runs` times; wall time (ms), CPU time (ms) and peak RSS (MB) of each. */
function timed(args: string[], runs: number, work: string): { ms: number[]; cpuMs: number[]; mb: number[]; stdout: string } {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const mb: number[] = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const rssFile = join(work, `rss-${process.pid}-${i}`);
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', join(ROOT, 'bench', 'peak-rss.mjs'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, BENCH_RSS_FILE: rssFile } });
    ms.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    const [maxRssKb, cpuMicros] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
    mb.push((maxRssKb ?? Number.NaN) / 1024);
    cpuMs.push((cpuMicros ?? Number.NaN) / 1000);
    stdout = result.stdout;
  }
  return { ms, cpuMs, mb, stdout };
}

async function fill(storage: Storage, shape: FleetShape, log: (m: string) => void, label: string): Promise<void> {
  const started = performance.now();
  const written = await fillFleet(storage, shape);
  await storage.close();
  const seconds = (performance.now() - started) / 1000;
  log(`  ${label}: wrote ${written.toLocaleString('en')} reports in ${seconds.toFixed(0)} s (${(written / seconds).toFixed(0)} reports/s through the store's write path)`);
}

/** report over one database beside the plain scan of its instances; figures for both. */
function reportBesideFloor(db: string, label: string, now: number, work: string, targetMs: number): Figure[] {
  const report = timed([BIN, 'report', '--db', db, '--format', 'json', '--trend', '--window', '30d'], RUNS, work);
  const floor = timed([join(ROOT, 'bench', 'scan-floor.ts'), db, String(now - 30 * DAY), String(Date.now() + DAY)], RUNS, work);
  const instances = (JSON.parse(report.stdout) as { instances: number }).instances;
  const note = `${instances.toLocaleString('en')} active instances, ${DISTINCT_SETS} distinct component sets; floor: one plain scan of the same instances (bench/scan-floor.ts)`;
  const ms = median(report.ms);
  const mb = Math.max(...report.mb);
  return [
    { figure: `report over ${label}, time`, value: ms, unit: 'ms', floor: median(floor.ms), ratio: ms / median(floor.ms), target: `≤ ${targetMs} ms`, met: ms <= targetMs, runs: report.ms, floorRuns: floor.ms, note },
    { figure: `report over ${label}, peak RSS`, value: mb, unit: 'MB', floor: Math.max(...floor.mb), target: '≤ 256 MB', met: mb <= 256, runs: report.mb, floorRuns: floor.mb },
  ];
}

/** What a report over a fleet shows of its history: the days of the daily counts, and the trend periods that have instances. */
function historyShown(stdout: string): { days: number; periods: number } {
  const analysis = JSON.parse(stdout) as { fleet: { daily: unknown[] }; trends: { series: { instances: number }[] }[] };
  const periods = new Set<number>();
  for (const trend of analysis.trends) trend.series.forEach((point, i) => point.instances > 0 && periods.add(i));
  return { days: analysis.fleet.daily.length, periods: periods.size };
}

/**
 * The same 10,000 instances with 3 reports each and with HISTORY each, over
 * the same 30 days. Both databases are written first; then the two are
 * timed in turn (after one untimed run each), so whatever else the machine
 * does weighs on both alike.
 */
async function historyFigure(work: string, now: number, log: (m: string) => void): Promise<Figure> {
  log(`report: 10,000 instances × 3 reports against × ${HISTORY}`);
  const fleets = [3, HISTORY].map((reports) => ({ reports, db: join(work, `history-${reports}.db`), ms: [] as number[], cpuMs: [] as number[], stdout: '' }));
  for (const fleet of fleets) {
    await fill(await openSqliteStorage(fleet.db), { instances: 10_000, reportsPerInstance: fleet.reports, spreadMs: 30 * DAY - 2 * 3_600_000, now, seed: 2 }, log, `10,000 × ${fleet.reports}`);
  }
  const args = (db: string) => [BIN, 'report', '--db', db, '--format', 'json', '--trend', '--window', '30d'];
  for (const fleet of fleets) timed(args(fleet.db), 1, work);
  for (let run = 0; run < RUNS + 2; run++) {
    for (const fleet of fleets) {
      const { ms, cpuMs, stdout } = timed(args(fleet.db), 1, work);
      fleet.ms.push(...ms);
      fleet.cpuMs.push(...cpuMs);
      fleet.stdout = stdout;
    }
  }
  const [few, many] = fleets as [(typeof fleets)[number], (typeof fleets)[number]];
  const ratio = median(many.ms) / median(few.ms);
  const shown = fleets.map((fleet) => historyShown(fleet.stdout));
  const cpu = fleets.map((fleet) => median(fleet.cpuMs));
  return {
    figure: `report over 10,000 instances × ${HISTORY} reports (floor: × 3)`,
    value: median(many.ms),
    unit: 'ms',
    floor: median(few.ms),
    ratio,
    target: '≤ 1.25× (same cost within noise)',
    met: ratio <= 1.25,
    runs: many.ms,
    floorRuns: few.ms,
    note: `the same instances and sets, the same 30-day window and weekly trend periods, timed in turn; ${HISTORY} reports each against 3, so ${shown[1]?.days} days and ${shown[1]?.periods} trend periods with instances against ${shown[0]?.days} and ${shown[0]?.periods}; CPU time (user + system) ${cpu[1]?.toFixed(0)} ms against ${cpu[0]?.toFixed(0)} ms (${((cpu[1] ?? 0) / (cpu[0] ?? 1)).toFixed(2)}×)`,
  };
}

export async function reportFigures(pg: BenchPostgres | undefined, log: (m: string) => void): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'ct-bench-report-'));
  const now = Date.now();
  const figures: Figure[] = [];
  try {
    if (FLEET > 0) {
      log(`report: ${FLEET.toLocaleString('en')} instances on SQLite`);
      const big = join(work, 'fleet.db');
      await fill(await openSqliteStorage(big), { instances: FLEET, reportsPerInstance: 1, spreadMs: 0, now, seed: 1 }, log, 'SQLite fleet');
      figures.push(...reportBesideFloor(big, `${FLEET.toLocaleString('en')} instances (SQLite)`, now, work, 5000));
      rmSync(big, { force: true });
    } else {
      log('report over the large SQLite fleet: skipped (BENCH_FLEET_INSTANCES=0)');
    }

    if (HISTORY > 0) figures.push(await historyFigure(work, now, log));
    else log('report over 10,000 instances × 3 against × many reports: skipped (BENCH_HISTORY_REPORTS=0)');

    if (pg && PG_FLEET > 0) {
      log(`report: ${PG_FLEET.toLocaleString('en')} instances on PostgreSQL`);
      const url = await pg.database('ct_bench_report');
      await fill(await openPostgresStorage(url), { instances: PG_FLEET, reportsPerInstance: 1, spreadMs: 0, now, seed: 1 }, log, 'PostgreSQL fleet');
      figures.push(...reportBesideFloor(url, `${PG_FLEET.toLocaleString('en')} instances (PostgreSQL)`, now, work, 5000));
    } else {
      log('report on PostgreSQL: skipped (no PostgreSQL at hand, or BENCH_PG_FLEET_INSTANCES=0)');
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchPostgres } = await import('./postgres-server.ts');
  const pg = await benchPostgres(process.env['BENCH_PG_URL']);
  try {
    const figures = await reportFigures(pg, (m) => process.stderr.write(`${m}\n`));
    for (const f of figures) {
      process.stdout.write(`${f.figure}: ${f.value.toFixed(0)} ${f.unit}${f.floor === undefined ? '' : ` (floor ${f.floor.toFixed(0)} ${f.unit}${f.ratio === undefined ? '' : `, ${f.ratio.toFixed(2)}×`})`}; target ${f.target}: ${f.met ? 'met' : 'NOT MET'}\n`);
      const list = (runs: readonly number[] | string | undefined) => (Array.isArray(runs) ? runs.map((v) => v.toFixed(0)).join(', ') : String(runs));
      process.stdout.write(`  runs: ${list(f.runs)}${f.floorRuns === undefined ? '' : `; floor runs: ${list(f.floorRuns)}`}${f.note === undefined ? '' : `\n  ${f.note}`}\n`);
    }
  } finally {
    await pg?.stop();
  }
}
