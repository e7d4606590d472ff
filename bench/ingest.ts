/**
 * Ingestion benchmark: sustained reports per second into the collector on
 * SQLite, against a bare node:http server that answers 204 to the same
 * requests in the same run (the ceiling for this machine and load generator);
 * then two collectors sharing one PostgreSQL, loaded at once, against the
 * SQLite collector (target: at least half its rate). PostgreSQL is the one
 * BENCH_PG_URL names, or a throwaway cluster (bench/postgres-server.ts).
 *
 *   npm run bench:ingest            (BENCH_SECONDS=10 by default)
 *
 * Prints a table and writes bench/ingest-results.json. The time `report`
 * takes is measured by bench/report-bench.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchPostgres } from './postgres-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const TARGET_RATIO = 0.25;
/** Two collectors on one PostgreSQL, against one on SQLite. */
const PG_TARGET_RATIO = 0.5;

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

async function load(port: number, connections = CONNECTIONS): Promise<{ rps: number; non2xx: number; errors: number; p99: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/connect/telemetry`,
    connections,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 };
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));

/** Two collectors on one fresh PostgreSQL database, each loaded by half the connections at once. */
async function twoPostgresCollectors() {
  const pg = await benchPostgres(process.env['BENCH_PG_URL']);
  if (!pg) return undefined;
  try {
    const url = await pg.database('ct_bench_ingest');
    const collectors = await Promise.all([0, 1].map(() => startChild([BIN, 'collect', '--listen', '127.0.0.1:0', '--db', url, '--log-level', 'info'], /"port":(\d+)/, 'stderr')));
    const results = await Promise.all(collectors.map((c) => load(c.port, Math.ceil(CONNECTIONS / 2))));
    await Promise.all(collectors.map((c) => stop(c.child)));
    return {
      rps: results.reduce((sum, r) => sum + r.rps, 0),
      each: results.map((r) => r.rps),
      p99: Math.max(...results.map((r) => r.p99)),
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
    };
  } finally {
    await pg.stop();
  }
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

    const postgres = await twoPostgresCollectors();

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
      postgres: postgres ?? 'skipped: no PostgreSQL at hand',
    };
    writeFileSync(join(ROOT, 'bench', 'ingest-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const rows = [
      ['measure', 'value'],
      ['bare node:http 204 (req/s)', bareResult.rps.toFixed(0)],
      ['collect → SQLite (reports/s)', collectorResult.rps.toFixed(0)],
      ['ratio (target ≥ 0.25)', `${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`],
      ['collector p99 latency (ms)', String(collectorResult.p99)],
      ['collector non-2xx / errors', `${collectorResult.non2xx} / ${collectorResult.errors}`],
    ];
    if (postgres) {
      const pgRatio = postgres.rps / collectorResult.rps;
      rows.push(
        ['2 collects → one PostgreSQL (reports/s)', `${postgres.rps.toFixed(0)} (${postgres.each.map((r) => r.toFixed(0)).join(' + ')})`],
        [`  against SQLite (target ≥ ${PG_TARGET_RATIO})`, `${pgRatio.toFixed(2)} ${pgRatio >= PG_TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`],
        ['  p99 latency (ms)', String(postgres.p99)],
        ['  non-2xx / errors', `${postgres.non2xx} / ${postgres.errors}`],
      );
    } else rows.push(['2 collects → one PostgreSQL', 'skipped: no PostgreSQL at hand']);
    const width = Math.max(...rows.map((r) => r[0]!.length));
    process.stdout.write(`${rows.map(([a, b]) => `${a!.padEnd(width)}  ${b}`).join('\n')}\nwrote bench/ingest-results.json\n`);
    if (ratio < TARGET_RATIO || (postgres && postgres.rps / collectorResult.rps < PG_TARGET_RATIO)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
