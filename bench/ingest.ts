/**
 * Ingestion benchmark: sustained reports per second into the collector on
 * SQLite, against a bare node:http server that answers 204 to the same
 * requests in the same run (the ceiling for this machine and load generator);
 * then two collectors sharing one PostgreSQL, loaded at once, against the
 * SQLite collector (target: at least half its rate). PostgreSQL is the one
 * BENCH_PG_URL names, or a throwaway cluster (bench/postgres-server.ts).
 *
 * The three loads run one after the other in each of BENCH_ROUNDS rounds
 * (3), each after a one-second warm-up, on fresh databases; a ratio is
 * taken within a round (its loads are seconds apart, so a machine that
 * slows down or speeds up between rounds moves both sides), and the median
 * of the rounds' ratios is the figure, as the other figures of the bench
 * are medians of several runs.
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
import { benchPostgres, type BenchPostgres } from './postgres-server.ts';
import { median } from './statistics.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** Each load starts after this much unmeasured load: both collectors' code compiled, connections open. */
const WARMUP_SECONDS = 1;
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

interface Load {
  rps: number;
  non2xx: number;
  errors: number;
  p99: number;
}

async function load(port: number, connections = CONNECTIONS): Promise<Load> {
  // autocannon runs `warmup` first and leaves it out of the results; its typings do not know the option.
  const options: autocannon.Options & { warmup: { connections: number; duration: number } } = {
    url: `http://127.0.0.1:${port}/connect/telemetry`,
    connections,
    duration: SECONDS,
    warmup: { connections, duration: WARMUP_SECONDS },
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  };
  const result = await autocannon(options);
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 };
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));

async function bareServer(): Promise<Load> {
  const bare = await startChild(['-e', BARE_SERVER], /port (\d+)/, 'stdout');
  const result = await load(bare.port);
  await stop(bare.child);
  return result;
}

// At info level the collector logs one line when it listens, and nothing per stored report.
const collectorArgs = (db: string) => [BIN, 'collect', '--listen', '127.0.0.1:0', '--db', db, '--log-level', 'info'];

async function sqliteCollector(db: string): Promise<Load> {
  const collector = await startChild(collectorArgs(db), /"port":(\d+)/, 'stderr');
  const result = await load(collector.port);
  await stop(collector.child);
  return result;
}

/** Two collectors on one fresh PostgreSQL database, each loaded by half the connections at once. */
async function twoPostgresCollectors(pg: BenchPostgres): Promise<Load & { each: number[] }> {
  const url = await pg.database('ct_bench_ingest');
  const collectors = await Promise.all([0, 1].map(() => startChild(collectorArgs(url), /"port":(\d+)/, 'stderr')));
  const results = await Promise.all(collectors.map((c) => load(c.port, Math.ceil(CONNECTIONS / 2))));
  await Promise.all(collectors.map((c) => stop(c.child)));
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    each: results.map((r) => r.rps),
    p99: Math.max(...results.map((r) => r.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

interface Round {
  bare: Load;
  collectorSqlite: Load;
  ratio: number;
  postgres?: Load & { each: number[]; ratio: number };
}

async function round(dir: string, n: number, pg: BenchPostgres | undefined): Promise<Round> {
  const bare = await bareServer();
  const collectorSqlite = await sqliteCollector(join(dir, `ingest-${n}.db`));
  const postgres = pg ? await twoPostgresCollectors(pg) : undefined;
  return {
    bare,
    collectorSqlite,
    ratio: collectorSqlite.rps / bare.rps,
    ...(postgres ? { postgres: { ...postgres, ratio: postgres.rps / collectorSqlite.rps } } : {}),
  };
}

function table(rounds: Round[], ratio: number, pgRatio: number | undefined): string {
  const each = (pick: (r: Round) => string) => rounds.map(pick).join(' | ');
  const rows = [
    ['measure', `value (rounds ${rounds.map((_, i) => i + 1).join(' | ')})`],
    ['bare node:http 204 (req/s)', each((r) => r.bare.rps.toFixed(0))],
    ['collect → SQLite (reports/s)', each((r) => r.collectorSqlite.rps.toFixed(0))],
    ['  against bare, per round', each((r) => r.ratio.toFixed(2))],
    ['  median (target ≥ 0.25)', `${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`],
    ['  p99 latency (ms)', each((r) => String(r.collectorSqlite.p99))],
    ['  non-2xx / errors', each((r) => `${r.collectorSqlite.non2xx} / ${r.collectorSqlite.errors}`)],
  ];
  if (pgRatio === undefined) rows.push(['2 collects → one PostgreSQL', 'skipped: no PostgreSQL at hand']);
  else {
    const pgOf = (r: Round) => r.postgres as NonNullable<Round['postgres']>;
    rows.push(
      ['2 collects → one PostgreSQL (reports/s)', each((r) => `${pgOf(r).rps.toFixed(0)} (${pgOf(r).each.map((v) => v.toFixed(0)).join(' + ')})`)],
      ['  against SQLite, per round', each((r) => pgOf(r).ratio.toFixed(2))],
      [`  median (target ≥ ${PG_TARGET_RATIO})`, `${pgRatio.toFixed(2)} ${pgRatio >= PG_TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`],
      ['  p99 latency (ms)', each((r) => String(pgOf(r).p99))],
      ['  non-2xx / errors', each((r) => `${pgOf(r).non2xx} / ${pgOf(r).errors}`)],
    );
  }
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map(([a, b]) => `${a!.padEnd(width)}  ${b}`).join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-ingest-'));
  const pg = await benchPostgres(process.env['BENCH_PG_URL']);
  try {
    const rounds: Round[] = [];
    for (let n = 1; n <= ROUNDS; n++) rounds.push(await round(dir, n, pg));
    const ratio = median(rounds.map((r) => r.ratio));
    const pgRatio = pg ? median(rounds.map((r) => r.postgres?.ratio ?? 0)) : undefined;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version },
      load: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, componentsPerReport: COMPONENTS.length, rounds: ROUNDS },
      rounds,
      ratio,
      target: TARGET_RATIO,
      meetsTarget: ratio >= TARGET_RATIO,
      postgres: pgRatio === undefined ? 'skipped: no PostgreSQL at hand' : { ratio: pgRatio, target: PG_TARGET_RATIO, meetsTarget: pgRatio >= PG_TARGET_RATIO },
    };
    writeFileSync(join(ROOT, 'bench', 'ingest-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${table(rounds, ratio, pgRatio)}\nwrote bench/ingest-results.json\n`);
    if (ratio < TARGET_RATIO || (pgRatio !== undefined && pgRatio < PG_TARGET_RATIO)) process.exitCode = 1;
  } finally {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
