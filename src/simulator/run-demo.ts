/**
 * The whole path on one machine, for `demo`: a collector on a SQLite file in a
 * temporary directory, a few real sidecar daemons (this package's own binary)
 * on the demo configs with a delay and period of seconds, then the report
 * over what they sent. Everything is removed after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analyse } from '../analysis/analyse.ts';
import { formatJson } from '../analysis/format-report.ts';
import { formatTable } from '../analysis/format-table.ts';
import { bundledCatalogue } from '../catalogue/load-catalogue.ts';
import { startCollector } from '../collector/server.ts';
import { openSqliteStorage } from '../collector/storage/sqlite-storage.ts';
import type { Storage } from '../collector/storage/storage.ts';
import { createJwtReader } from '../collector/verify-jwt.ts';
import { systemClock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { packagePath } from '../lib/package-path.ts';
import type { Env } from '../lib/env.ts';

export const BIN = packagePath('bin', 'connect-telemetry.js');

export interface DemoOptions {
  /** How many reports each daemon must have sent before the report is printed. */
  rounds: number;
  timeoutMs: number;
  format: 'table' | 'json';
  configDir: string;
}

/** The process around the demo: its environment (passed to the daemons), output and stop signal. */
export interface DemoEdge {
  env: Env;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  shutdown: AbortSignal;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

/** Returns the exit code: 0 once every sidecar sent `rounds` reports, 1 if some did not in time. */
export async function runDemo(options: DemoOptions, edge: DemoEdge): Promise<number> {
  const configs = (await readdir(options.configDir).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name)).sort();
  if (configs.length === 0) throw new UserError(`no demo configs in ${options.configDir}`);
  const dir = await mkdtemp(join(tmpdir(), 'connect-telemetry-demo-'));
  const say = (text: string) => edge.stderr(`demo: ${text}\n`);
  const storage = await openSqliteStorage(join(dir, 'collector.db'));
  const logger = createLogger('warn', { write: edge.stderr });
  const collector = await startCollector({ host: '127.0.0.1', port: 0 }, { storage, jwt: createJwtReader([]), logger, now: Date.now, maxBodyBytes: 1 << 20, known: bundledCatalogue() });
  const endpoint = `http://127.0.0.1:${collector.port}/connect/telemetry`;
  const daemons: ChildProcess[] = [];
  try {
    say(`collector on ${endpoint}, database ${join(dir, 'collector.db')}`);
    for (const [i, config] of configs.entries()) {
      daemons.push(startDaemon(join(options.configDir, config), endpoint, join(dir, `state-${i}`), edge, say));
      say(`sidecar ${i + 1}: ${basename(config)}`);
    }
    const { seen, complete } = await waitForReports(storage, daemons, options, edge.shutdown);
    if (edge.shutdown.aborted) return 130;
    say(`${seen} of ${configs.length} sidecar(s) reported (${complete} sent ${options.rounds} or more)`);
    await Promise.all(daemons.map(stop));
    const analysis = await analyse(storage, { now: Date.now(), windowMs: 86_400_000, minUptimeSeconds: 0, minSupport: 0, minConfidence: 0, limit: 20 });
    edge.stdout(options.format === 'json' ? formatJson(analysis) : formatTable(analysis));
    return complete >= configs.length ? 0 : 1;
  } finally {
    await Promise.all(daemons.map(stop));
    await collector.close(2000);
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One real sidecar daemon with a delay and period of seconds; its last error lines are told if it fails. */
function startDaemon(config: string, endpoint: string, stateDir: string, edge: DemoEdge, say: (text: string) => void): ChildProcess {
  const args = [BIN, 'run', '--config', config, '--endpoint', endpoint, '--delay', '1s', '--period', '2s', '--state-dir', stateDir, '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...edge.env, CONNECT_TELEMETRY_DISABLED: '', DO_NOT_TRACK: '' } });
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors = (errors + chunk).slice(-4000)));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null && !edge.shutdown.aborted) say(`sidecar for ${basename(config)} exited with ${code}: ${errors.trim()}`);
  });
  return child;
}

/** Polls the store until every daemon has sent `rounds` reports, all have exited, time is up, or the demo is stopped. */
async function waitForReports(storage: Storage, daemons: readonly ChildProcess[], options: DemoOptions, shutdown: AbortSignal) {
  const deadline = Date.now() + options.timeoutMs;
  let counts = { seen: 0, complete: 0 };
  while (!shutdown.aborted && Date.now() < deadline) {
    const tally = await storage.reportTally(options.rounds);
    counts = { seen: tally.instances, complete: tally.atLeast };
    if (counts.complete >= daemons.length || daemons.every((d) => d.exitCode !== null)) break;
    await systemClock.sleep(250, shutdown);
  }
  return counts;
}
