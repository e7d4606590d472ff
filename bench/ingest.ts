/**
 * Ingestion benchmark: sustained reports per second into the collector on
 * SQLite, against a bare node:http server that answers 204 to the same
 * requests in the same run (the ceiling for this machine and load generator).
 * Then the time `report` takes over 100,000 instances × 20 components.
 *
 *   npm run bench:ingest            (BENCH_SECONDS=10 by default)
 *
 * Prints a table and writes bench/ingest-results.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openSqliteStorage } from '../src/collector/storage/sqlite-storage.ts';
import type { Report } from '../src/collector/validate-report.ts';
import { seededRandom } from '../src/lib/random.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const REPORT_INSTANCES = Number(process.env['BENCH_REPORT_INSTANCES'] ?? 100_000);
const TARGET_RATIO = 0.25;

const COMPONENTS = [
  ['input', 'kafka_franz'], ['buffer', 'none'], ['processor', 'mapping'], ['processor', 'mapping'], ['processor', 'mutation'],
  ['processor', 'branch'], ['processor', 'http'], ['processor', 'cached'], ['processor', 'log'], ['processor', 'catch'],
  ['processor', 'try'], ['processor', 'switch'], ['processor', 'dedupe'], ['processor', 'json_schema'], ['output', 'aws_s3'],
  ['output', 'switch'], ['output', 'kafka_franz'], ['cache', 'redis'], ['metrics', 'prometheus'], ['tracer', 'none'],
].map(([type, name]) => ({ type, name }));

const body = () => JSON.stringify({ id: randomUUID(), uptime: 86_400, components: COMPONENTS, hostInfo: { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' } });

/** Starts a child that prints its port on the first line matching `pattern`. */
function startChild(args: string[], pattern: RegExp, stream: 'stdout' | 'stderr'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  return new Promise((resolve, reject) => {
    child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${seen}`)));
  });
}

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.on('data', () => {}); req.on('end', () => { res.writeHead(204); res.end(); }); });
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

async function load(port: number): Promise<{ rps: number; non2xx: number; errors: number; p99: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/connect/telemetry`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 };
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));

async function fillFleet(path: string, instances: number): Promise<void> {
  const storage = await openSqliteStorage(path);
  const now = Date.now();
  const random = seededRandom(42);
  const categories = ['input', 'processor', 'processor', 'processor', 'output', 'cache'] as const;
  let batch: Promise<unknown>[] = [];
  for (let i = 0; i < instances; i++) {
    // 20 components per instance from a long-tailed set of ~600 plugins.
    const components = Array.from({ length: 20 }, () => ({ type: categories[Math.floor(random() * categories.length)]!, name: `plugin_${Math.floor(random() ** 2 * 100)}` }));
    const report: Report = { id: randomUUID(), uptime: Math.floor(random() * 30 * 86_400), components, host: { numCpu: 4, goMaxProcs: 4, goArch: random() < 0.7 ? 'amd64' : 'arm64', goOS: 'linux' } };
    batch.push(storage.store(report, now - Math.floor(random() * 29 * 86_400_000)));
    if (batch.length === 5000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  batch = [];
  await storage.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-ingest-'));
  try {
    const bare = await startChild(['-e', BARE_SERVER], /port (\d+)/, 'stdout');
    const bareResult = await load(bare.port);
    await stop(bare.child);

    const db = join(dir, 'ingest.db');
    // At info level the collector logs one line when it listens, and nothing per stored report.
    const collector = await startChild([BIN, 'collect', '--listen', '127.0.0.1:0', '--db', db, '--log-level', 'info'], /"port":(\d+)/, 'stderr');
    const collectorResult = await load(collector.port);
    await stop(collector.child);

    const fleetDb = join(dir, 'fleet.db');
    const fillStart = performance.now();
    await fillFleet(fleetDb, REPORT_INSTANCES);
    const fillMs = performance.now() - fillStart;
    const reportStart = performance.now();
    const report = spawnSync(process.execPath, [BIN, 'report', '--db', fleetDb, '--format', 'json', '--window', '30d'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const reportMs = performance.now() - reportStart;
    if (report.status !== 0) throw new Error(`report failed: ${report.stderr}`);
    const analysed = JSON.parse(report.stdout) as { instances: number; plugins: unknown[]; pairs: unknown[] };

    const ratio = collectorResult.rps / bareResult.rps;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version },
      load: { seconds: SECONDS, connections: CONNECTIONS, componentsPerReport: COMPONENTS.length },
      bare: bareResult,
      collectorSqlite: collectorResult,
      ratio,
      target: TARGET_RATIO,
      meetsTarget: ratio >= TARGET_RATIO,
      report: { instances: analysed.instances, componentsPerInstance: 20, plugins: analysed.plugins.length, fillSeconds: fillMs / 1000, reportSeconds: reportMs / 1000 },
    };
    writeFileSync(join(ROOT, 'bench', 'ingest-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const rows = [
      ['measure', 'value'],
      ['bare node:http 204 (req/s)', bareResult.rps.toFixed(0)],
      ['collect → SQLite (reports/s)', collectorResult.rps.toFixed(0)],
      ['ratio (target ≥ 0.25)', `${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`],
      ['collector p99 latency (ms)', String(collectorResult.p99)],
      ['collector non-2xx / errors', `${collectorResult.non2xx} / ${collectorResult.errors}`],
      [`report over ${analysed.instances} instances × 20 (s)`, (reportMs / 1000).toFixed(2)],
      ['  (filling that database took, s)', (fillMs / 1000).toFixed(1)],
    ];
    const width = Math.max(...rows.map((r) => r[0]!.length));
    process.stdout.write(`${rows.map(([a, b]) => `${a!.padEnd(width)}  ${b}`).join('\n')}\nwrote bench/ingest-results.json\n`);
    if (ratio < TARGET_RATIO) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
