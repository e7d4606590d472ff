/**
 * The footprint and speed benchmark: every figure is measured beside its floor
 * in the same run, as the median of several runs, and printed as one table;
 * the figures are also written to bench/results.json. The idle RSS, the
 * peak RSS of a burst of changes and the peak RSS summarising the largest
 * configs the daemon accepts are also set against the memory request and
 * limit the Kubernetes examples give the sidecar (bench/manifest-budget.ts).
 * Run with `npm run bench` (which builds first). Generated configs go to a temporary directory and are
 * removed at the end.
 *
 * Environment: BENCH_RUNS (default 5) sets the number of runs of the idle
 * RSS (three times as many for the start), BENCH_SUMMARISE_RUNS (default 3)
 * those of each summarising figure, BENCH_SPACED_REWRITES (default 200) and
 * BENCH_REWRITES (default 5000) the numbers of config rewrites one at a time
 * and back to back, BENCH_IDLE_SECONDS (default 60) the steady idle CPU window;
 * BENCH_FLEET_INSTANCES, BENCH_HISTORY_REPORTS and BENCH_PG_FLEET_INSTANCES
 * the report benchmark's fleets (bench/report-bench.ts), BENCH_PG_URL a
 * PostgreSQL server to use instead of a throwaway one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundledCatalogue } from '../src/catalogue/load-catalogue.ts';
import { Lexer } from 'yaml';
import { MAX_CONFIG_BYTES } from '../src/config/read-config-file.ts';
import { MAX_YAML_TOKENS } from '../src/config/parse-yaml.ts';
import { generate, generateLargest } from './generate.ts';
import { sidecarMemoryBudget } from './manifest-budget.ts';
import { benchPostgres } from './postgres-server.ts';
import type { Figure } from './figure.ts';
import { reportFigures } from './report-bench.ts';
import { median, percentile } from './statistics.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const NODE = process.execPath;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const REWRITES = Number(process.env['BENCH_REWRITES'] ?? 5000);
const SPACED_REWRITES = Number(process.env['BENCH_SPACED_REWRITES'] ?? 200);
/** Longer than chokidar's 50 ms per-file throttle on change events. */
const SPACED_GAP_MS = 100;
/** Stream files the burst rewrites in turn: each is rewritten less often than every 50 ms. */
const BURST_FILES = 5;
const SUMMARISE_RUNS = Number(process.env['BENCH_SUMMARISE_RUNS'] ?? 3);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 60);
/** Where the settling after start ends and steady idle begins, in seconds after the watching line. */
const SETTLE_END_S = 10;
const WATCHING = 'watching the config; reports are scheduled';
const UPDATED = 'config summary updated';
const benchStarted = performance.now();
/** What the Kubernetes examples ask for: the idle RSS must fit the request, a burst's peak half the limit. */
const BUDGET = sidecarMemoryBudget(ROOT);

const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

/** A memory field of /proc/<pid>/status in kB: VmRSS now, VmHWM its peak so far. */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}
const rssKb = (pid: number) => statusKb(pid, 'VmRSS');

/** CPU time of all live threads, in ms (/proc/<pid>/task/*\/schedstat: nanoseconds on CPU). */
function cpuMs(pid: number): { schedMs: number; tickMs: number } {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  // utime and stime (fields 14 and 15) in clock ticks of 10 ms, all threads included.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { schedMs: ns / 1e6, tickMs: ticks * 10 };
}

interface Daemon {
  child: ChildProcess;
  pid: number;
  spawnedAt: number;
  /** Resolves with the arrival time of the `count`-th line containing `text`. */
  waitFor(text: string, count?: number, timeoutMs?: number): Promise<number>;
  countOf(text: string): number;
  stop(): Promise<void>;
}

const COMPILE_CACHE = join(tmpdir(), `connect-telemetry-bench-cache-${process.pid}`);

function startDaemon(config: string, stateDir: string, extra: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Daemon {
  const spawnedAt = performance.now();
  // Port 9 (discard) on loopback: with a one-hour delay nothing is ever sent.
  const args = [...(extra.nodeArgs ?? []), BIN, 'run', '-c', config, '--state-dir', stateDir, '--endpoint', 'http://127.0.0.1:9/x', '--delay', '1h'];
  // Node's compile cache in a directory of its own, as the container image keeps it in its state volume.
  const env = { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NODE_COMPILE_CACHE: COMPILE_CACHE, ...extra.env };
  const child = spawn(NODE, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const counts = new Map<string, number>();
  const waiters: { text: string; count: number; resolve: (at: number) => void }[] = [];
  let buffered = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const at = performance.now();
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      for (const text of [WATCHING, UPDATED]) {
        if (!line.includes(text)) continue;
        const count = (counts.get(text) ?? 0) + 1;
        counts.set(text, count);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const waiter = waiters[i] as (typeof waiters)[number];
          if (waiter.text === text && waiter.count <= count) {
            waiters.splice(i, 1);
            waiter.resolve(at);
          }
        }
      }
    }
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    pid: child.pid as number,
    spawnedAt,
    countOf: (text) => counts.get(text) ?? 0,
    waitFor(text, count = 1, timeoutMs = 10_000) {
      if ((counts.get(text) ?? 0) >= count) return Promise.resolve(performance.now());
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" line #${count} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ text, count, resolve: (at) => (clearTimeout(timer), resolvePromise(at)) });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function startFloor(): { child: ChildProcess; exited: Promise<number> } {
  const child = spawn(NODE, ['-e', 'setInterval(()=>{}, 1e9)'], { stdio: 'ignore' });
  return { child, exited: new Promise((done) => child.once('exit', () => done(performance.now()))) };
}

/** The kind of config a sidecar usually watches: the bundled demo pipeline. */
const TYPICAL_CONFIG = readFileSync(join(ROOT, 'deploy', 'connect', 'config.yaml'), 'utf8');

const figures: Figure[] = [];


// ---------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'ct-bench-'));
const typical = join(work, 'typical', 'config.yaml');
spawnSync('mkdir', ['-p', join(work, 'typical')]);
writeFileSync(typical, TYPICAL_CONFIG);
let stateCount = 0;
const freshState = () => join(work, `state-${stateCount++}`);

// Config rewrites (sections 4 and 6): each writes a temporary file beside the
// config and renames it over it, then waits for the updated summary.
const processors = bundledCatalogue().componentsOf('processor').filter((name: string) => name !== 'switch');
let revision = 0;
const rewrite = async (daemon: Daemon, files: string[], gapMs: number, count: number) => {
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 1; i <= count; i++) {
    revision++;
    const file = files[i % files.length] as string;
    const name = processors[revision % processors.length] as string;
    const text = `${TYPICAL_CONFIG}# revision ${revision}\n`.replace('    - mapping: |\n        root = this\n', `    - ${name}: {}\n    - mapping: |\n        root = this\n`);
    const tmp = join(file, '..', '.rewrite.tmp');
    const before = daemon.countOf(UPDATED);
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    const renamed = performance.now();
    try {
      latencies.push((await daemon.waitFor(UPDATED, before + 1, 5000)) - renamed);
    } catch {
      missed++;
    }
    if (gapMs > 0) await sleep(gapMs);
    if (i % 1000 === 0) log(`  ${i} rewrites`);
  }
  const note = `${latencies.length} of ${count} updates seen${missed ? `, ${missed} missed within 5 s` : ''}; max ${Math.max(...latencies).toFixed(0)} ms`;
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), missed, note };
};
const pushLatency = (label: string, run: Awaited<ReturnType<typeof rewrite>>, runs: string) => {
  figures.push({ figure: `config change → updated summary, ${label}, p50`, value: run.p50, unit: 'ms', target: '≤ 300 ms', met: run.p50 <= 300 && run.missed === 0, runs, note: run.note });
  figures.push({ figure: `config change → updated summary, ${label}, p95`, value: run.p95, unit: 'ms', target: '≤ 1000 ms', met: run.p95 <= 1000 && run.missed === 0, runs, note: run.note });
};

try {
  // CPU used by idle watching, one run. Two windows on the same daemon: the
  // settling after start (2 s to 10 s after the watching line: V8's memory
  // reducer runs about 8 s after start, once), then IDLE_SECONDS of steady
  // idle watching. Sections 1 to 4 run inside them: light work (processes
  // that mostly sleep, short starts, rewrites 100 ms apart), as a workload
  // beside the sidecar would be; the heavy sections wait for the window.
  log(`idle CPU: one run, settling (2–${SETTLE_END_S} s) then ${IDLE_SECONDS} s of steady idle, beside the light sections 1–4`);
  const idleDaemon = startDaemon(typical, freshState());
  const idleFloor = startFloor();
  const idleWatching = await idleDaemon.waitFor(WATCHING);
  await sleep(2000);
  const settleBefore = cpuMs(idleDaemon.pid);
  const idleWindow = (async () => {
    await sleep(SETTLE_END_S * 1000 - (performance.now() - idleWatching));
    const before = cpuMs(idleDaemon.pid);
    const floorBefore = cpuMs(idleFloor.child.pid as number);
    await sleep(IDLE_SECONDS * 1000);
    return { before, floorBefore, after: cpuMs(idleDaemon.pid), floorAfter: cpuMs(idleFloor.child.pid as number) };
  })();

  // 1. Idle RSS, 5 s after start, beside a bare node process started at the same moment.
  log(`idle RSS: ${RUNS} runs of 5 s`);
  {
    const daemonKb: number[] = [];
    const floorKb: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const floor = startFloor();
      const daemon = startDaemon(typical, freshState());
      await daemon.waitFor(WATCHING);
      await sleep(5000 - (performance.now() - daemon.spawnedAt));
      daemonKb.push(rssKb(daemon.pid));
      floorKb.push(rssKb(floor.child.pid as number));
      floor.child.kill();
      await Promise.all([daemon.stop(), floor.exited]);
    }
    const value = median(daemonKb) / 1024;
    const floor = median(floorKb) / 1024;
    figures.push({ figure: 'idle RSS, 5 s after start', value, unit: 'MB', floor, ratio: value / floor, target: '≤ 1.3×', met: value / floor <= 1.3, runs: daemonKb.map((kb) => kb / 1024), floorRuns: floorKb.map((kb) => kb / 1024) });
    figures.push({ figure: 'idle RSS against the manifests\' memory request', value, unit: 'MB', target: `≤ ${BUDGET.request}`, met: value <= BUDGET.requestMiB, runs: 'as above', note: 'deploy/kubernetes/: requests.memory of the connect-telemetry container' });
  }

  // 2. Start to the first "watching" line, beside `node -e 0` start to exit; interleaved.
  const startRuns = RUNS * 3;
  log(`start time: ${startRuns} runs`);
  {
    const daemonMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < startRuns + 1; i++) {
      const floorStart = performance.now();
      const floor = spawn(NODE, ['-e', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
      await new Promise((done) => floor.once('exit', done));
      const floorEnd = performance.now();
      const daemon = startDaemon(typical, freshState());
      const at = await daemon.waitFor(WATCHING);
      await daemon.stop();
      if (i === 0) continue; // warm-up: page cache
      floorMs.push(floorEnd - floorStart);
      daemonMs.push(at - daemon.spawnedAt);
    }
    const value = median(daemonMs);
    const floor = median(floorMs);
    figures.push({ figure: 'start to "watching" line', value, unit: 'ms', floor, ratio: value / floor, target: '≤ 2.0×', met: value / floor <= 2, runs: daemonMs, floorRuns: floorMs });
  }

  // 3. Modules the daemon loads: none of the collector's.
  log('modules loaded by the daemon');
  let modules: { total: number; project: number; collector: string[]; packages: string[] };
  {
    const file = join(work, 'modules.txt');
    const daemon = startDaemon(typical, freshState(), { nodeArgs: ['--import', join(ROOT, 'bench', 'list-modules.mjs')], env: { BENCH_MODULES_FILE: file } });
    await daemon.waitFor(WATCHING);
    await sleep(300);
    await daemon.stop();
    const urls = readFileSync(file, 'utf8').split('\n').filter((url) => url !== '' && !url.startsWith('node:'));
    // The daemon runs the bundle: map each bundle file it loaded back to the
    // source modules esbuild put in it (scripts/bundle.ts writes the map).
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle.meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const inputs = urls.flatMap((url) => {
      const output = meta.outputs[url.replace(`file://${ROOT}/`, '')];
      return output ? Object.keys(output.inputs) : [];
    });
    const packages = [...new Set(inputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]).filter((name): name is string => name !== undefined))].sort();
    const project = inputs.filter((input) => input.startsWith('src/'));
    modules = { total: urls.length, project: project.length, collector: project.filter((input) => input.startsWith('src/collector/')), packages };
    figures.push({
      figure: 'collector modules loaded by the daemon',
      value: modules.collector.length,
      unit: 'modules',
      target: '0',
      met: modules.collector.length === 0,
      runs: `${modules.total} files loaded, holding ${modules.project} of the project's modules and ${inputs.length - modules.project} of its dependencies'; packages: ${packages.join(', ')}`,
    });
  }

  // 4. Config rewrites one at a time, as a person or a ConfigMap update makes
  //    them: SPACED_REWRITES of the typical config, each an atomic rename (a
  //    temporary file in the same folder renamed over the file), each waited
  //    on until the daemon logs the updated summary. This light load runs
  //    inside the idle-CPU window, as a workload would beside the sidecar.
  log(`${SPACED_REWRITES} config rewrites ${SPACED_GAP_MS} ms apart (atomic rename), each waited on`);
  {
    const single = join(work, 'rewrites', 'config.yaml');
    spawnSync('mkdir', ['-p', join(work, 'rewrites')]);
    writeFileSync(single, TYPICAL_CONFIG);
    const spacedDaemon = startDaemon(single, freshState());
    await spacedDaemon.waitFor(WATCHING);
    pushLatency('one change at a time', await rewrite(spacedDaemon, [single], SPACED_GAP_MS, SPACED_REWRITES), `${SPACED_REWRITES} rewrites, ${SPACED_GAP_MS} ms apart`);
    await spacedDaemon.stop();
  }

  {
    const { before, floorBefore, after, floorAfter } = await idleWindow;
    idleFloor.child.kill();
    await Promise.all([idleDaemon.stop(), idleFloor.exited]);
    const settling = before.schedMs - settleBefore.schedMs;
    figures.push({
      figure: `CPU time settling, 2–${SETTLE_END_S} s after start`,
      value: settling,
      unit: 'ms',
      target: '— (once)',
      met: true,
      runs: 'one run',
      note: 'once per start: V8\'s memory reducer collects the start-up garbage about 8 s after start and returns the pages',
    });
    const used = after.schedMs - before.schedMs;
    figures.push({
      figure: `CPU time in ${IDLE_SECONDS} s of idle watching`,
      value: used,
      unit: 'ms',
      floor: floorAfter.schedMs - floorBefore.schedMs,
      target: '≤ 20 ms',
      met: used <= 20,
      runs: 'one run',
      note: `${SETTLE_END_S} s to ${SETTLE_END_S + IDLE_SECONDS} s after start; scheduler time of all threads; utime+stime ${after.tickMs - before.tickMs} ms at 10 ms resolution; the default 30 s stat poll and 60 s lock heartbeat ran in it`,
    });
  }

  // 5. Summarising: a 2,000-file streams directory and the largest config the
  //    daemon accepts (as many components as the size and token bounds allow),
  //    beside plain `yaml` parsing.
  log('generating configs: 2,000 stream files, and the largest configs within the bounds');
  const data = generate(join(work, 'data'), bundledCatalogue());
  const largest = generateLargest(join(work, 'data'), bundledCatalogue(), { bytes: MAX_CONFIG_BYTES, tokens: MAX_YAML_TOKENS }, (text) => new Lexer().lex(text));
  for (const config of [largest.components, largest.dense]) {
    if (config.bytes > MAX_CONFIG_BYTES || config.tokens > MAX_YAML_TOKENS) throw new Error(`generated ${config.path} is past the bounds (${config.bytes} bytes, ${config.tokens} tokens)`);
  }
  for (const [label, path, bytes] of [
    [`summarise ${data.streamFiles}-file streams dir (${(data.streamBytes / 1e6).toFixed(1)} MB)`, data.streamsDir, data.streamBytes],
    [`summarise the largest accepted config: ${largest.components.components} components (${(largest.components.bytes / 1e6).toFixed(2)} MB)`, largest.components.path, largest.components.bytes],
  ] as const) {
    log(`${label}: ${SUMMARISE_RUNS} runs each of the floor and the daemon's reload, in alternate processes`);
    // Each side in its own process: the daemon's reload under the daemon's V8
    // settings, the floor in a plain Node. Alternated, so drift hits both alike.
    const worker = (mode: 'floor' | 'daemon') => {
      const result = spawnSync(NODE, ['--expose-gc', join(ROOT, 'bench', 'summarise-worker.ts'), mode, path, '1'], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (result.status !== 0) throw new Error(`summarise worker (${mode}) failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as { ms: number[]; components: number; smallFootprint: boolean };
    };
    const floorMs: number[] = [];
    const subjectMs: number[] = [];
    let components = 0;
    let smallFootprint = true;
    for (let i = 0; i < SUMMARISE_RUNS; i++) {
      const order = i % 2 === 0 ? (['floor', 'daemon'] as const) : (['daemon', 'floor'] as const);
      for (const mode of order) {
        const run = worker(mode);
        if (mode === 'floor') floorMs.push(...run.ms);
        else {
          subjectMs.push(...run.ms);
          components = run.components;
          smallFootprint = run.smallFootprint;
        }
      }
    }
    const value = median(subjectMs);
    const floor = median(floorMs);
    const settings = smallFootprint ? 'TurboFan stayed off' : 'the reload turned TurboFan on, as the daemon does above 1 MiB';
    figures.push({ figure: label, value, unit: 'ms', floor, ratio: value / floor, target: '≤ 1.3×', met: value / floor <= 1.3, runs: subjectMs, floorRuns: floorMs, note: `${components} components, ${(bytes / 1e6).toFixed(1)} MB; ${settings}` });
  }

  // 5b. Peak RSS of the daemon itself (the built binary, as it runs in the
  //     container) summarising each of the largest configs it accepts, beside
  //     the memory limit the Kubernetes examples give it. VmHWM is read once
  //     the summary is logged and the daemon has idled a few seconds (a failed
  //     read would have been read again by then).
  const limitMiB = BUDGET.limitMiB;
  for (const [label, config, note] of [
    [`peak RSS, largest accepted config (${largest.components.components} components)`, largest.components, `${(largest.components.bytes / 1e6).toFixed(2)} MB, ${largest.components.tokens} YAML tokens`],
    ['peak RSS, costliest config within the bounds', largest.dense, `${(largest.dense.bytes / 1e6).toFixed(2)} MB: ${largest.dense.tokens} YAML tokens of [1,1,…], the rest one double-quoted string`],
  ] as const) {
    log(`${label}: ${SUMMARISE_RUNS} daemons`);
    const peaks: number[] = [];
    for (let i = 0; i < SUMMARISE_RUNS; i++) {
      const daemon = startDaemon(config.path, freshState());
      await daemon.waitFor(UPDATED, 1, 120_000);
      await daemon.waitFor(WATCHING, 1, 120_000);
      await sleep(3000);
      peaks.push(statusKb(daemon.pid, 'VmHWM') / 1024);
      await daemon.stop();
    }
    const value = median(peaks);
    figures.push({ figure: label, value, unit: 'MB', floor: limitMiB, ratio: value / limitMiB, target: `≤ ${BUDGET.limit} limit`, met: Math.max(...peaks) <= limitMiB, runs: peaks, note: `${note}; floor column: limits.memory of the connect-telemetry container in deploy/kubernetes/; bounds ${MAX_CONFIG_BYTES} bytes and ${MAX_YAML_TOKENS} tokens per file` });
  }
  rmSync(join(work, 'data'), { recursive: true, force: true });

  // 6. REWRITES back to back, each an atomic rename waited on as above, in
  //    turn over the files of a streams directory of BURST_FILES: chokidar
  //    passes at most one change event per file per 50 ms, so a burst on one
  //    file would measure that throttle (and take over four minutes). The
  //    RSS after the burst is set against the same process's idle RSS.
  log(`${REWRITES} config rewrites back to back over ${BURST_FILES} stream files (atomic rename), each waited on`);
  {
    const streams = join(work, 'burst');
    spawnSync('mkdir', ['-p', streams]);
    const streamFiles = Array.from({ length: BURST_FILES }, (_, i) => join(streams, `stream-${i}.yaml`));
    for (const file of streamFiles) writeFileSync(file, TYPICAL_CONFIG);
    const burstDaemon = startDaemon(streams, freshState());
    await burstDaemon.waitFor(WATCHING);
    await sleep(5000 - (performance.now() - burstDaemon.spawnedAt));
    const idleKb = rssKb(burstDaemon.pid);
    pushLatency(`back to back over ${BURST_FILES} files`, await rewrite(burstDaemon, streamFiles, 0, REWRITES), `${REWRITES} rewrites`);
    await sleep(1000);
    const afterKb = rssKb(burstDaemon.pid);
    const peakKb = statusKb(burstDaemon.pid, 'VmHWM');
    await burstDaemon.stop();
    const growth = (afterKb - idleKb) / 1024;
    figures.push({ figure: `RSS after ${REWRITES} config rewrites`, value: afterKb / 1024, unit: 'MB', floor: idleKb / 1024, target: '≤ idle + 10 MB', met: growth <= 10, runs: 'one run', note: `+${growth.toFixed(1)} MB over the same process's RSS 5 s after start; peak ${(peakKb / 1024).toFixed(1)} MB` });
    figures.push({ figure: `peak RSS in ${REWRITES} config rewrites against the manifests' memory limit`, value: peakKb / 1024, unit: 'MB', target: `≤ half of ${BUDGET.limit}`, met: peakKb / 1024 <= BUDGET.limitMiB / 2, runs: 'one run', note: 'deploy/kubernetes/: limits.memory of the connect-telemetry container; the other half is room for a large config (see the largest accepted configs)' });
  }

  // 7. The collector's ingestion benchmark, called as it is, on one PostgreSQL
  //    (started for the bench unless BENCH_PG_URL names one) that section 8 reuses.
  const pg = await benchPostgres(process.env['BENCH_PG_URL']);
  let ingest: { status: number | null; output: string; seconds: number } | undefined;
  const ingestScript = join(ROOT, 'bench', 'ingest.ts');
  if (existsSync(ingestScript)) {
    log('collector ingestion bench (bench/ingest.ts)');
    const started = performance.now();
    const env = { ...process.env, ...(pg ? { BENCH_PG_URL: pg.serverUrl } : {}) };
    const result = spawnSync(NODE, [ingestScript], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, maxBuffer: 8 << 20, env });
    ingest = { status: result.status, output: `${result.stdout}${result.stderr}`.trim(), seconds: (performance.now() - started) / 1000 };
  }

  // 8. report over large fleets, beside one plain scan of the same instances (bench/report-bench.ts).
  try {
    figures.push(...(await reportFigures(pg, log)));
  } finally {
    await pg?.stop();
  }

  // -------------------------------------------------------------------------
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '—' : value.toFixed(digits));
  const rows = figures.map((f) => [f.figure, `${fmt(f.value, f.unit === 'modules' ? 0 : 1)} ${f.unit}`, f.floor === undefined ? '—' : `${fmt(f.floor)} ${f.unit}`, f.ratio === undefined ? '—' : `${f.ratio.toFixed(2)}×`, f.target, f.met ? 'yes' : 'NO']);
  const header = ['figure', 'measured (median)', 'floor (same run)', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  const table = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  const seconds = (performance.now() - benchStarted) / 1000;
  process.stdout.write(`\nconnect-telemetry footprint and speed — ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; ${RUNS} runs per ratio, ${seconds.toFixed(0)} s in all\n\n${table}\n`);
  if (ingest) {
    process.stdout.write(`\ncollector ingestion (bench/ingest.ts, exit ${ingest.status}, ${ingest.seconds.toFixed(0)} s):\n${ingest.output}\n`);
  } else {
    process.stdout.write('\ncollector ingestion: bench/ingest.ts is not present; no figures\n');
  }
  const results = { takenAt: new Date().toISOString(), machine, runs: RUNS, rewrites: REWRITES, idleSeconds: IDLE_SECONDS, seconds, figures, modules, ingest };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('\nwritten to bench/results.json\n');
  if (figures.some((f) => !f.met)) process.stdout.write(`targets not met: ${figures.filter((f) => !f.met).map((f) => f.figure).join('; ')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
