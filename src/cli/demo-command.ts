/**
 * `connect-telemetry demo`: the whole path on one machine. A collector on a
 * SQLite file in a temporary directory, a few real sidecar daemons (this
 * package's own binary) on the demo configs with a delay and period of
 * seconds, then the report over what they sent. Everything is removed after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { packagePath } from '../lib/package-path.ts';
import type { CliDeps } from './program.ts';
import { UserError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { analyse } from '../analysis/analyse.ts';
import { formatJson, formatTable } from '../analysis/format-report.ts';
import { startCollector } from '../collector/server.ts';
import { openSqliteStorage } from '../collector/storage/sqlite-storage.ts';
import { createJwtReader } from '../collector/verify-jwt.ts';

export const BIN = packagePath('bin', 'connect-telemetry.js');

export interface DemoOptions {
  /** How many reports each daemon must have sent before the report is printed. */
  rounds: number;
  timeoutMs: number;
  format: 'table' | 'json';
  configDir: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

export async function demo(options: DemoOptions, deps: CliDeps): Promise<number> {
  const configs = (await readdir(options.configDir).catch(() => [] as string[])).filter((name) => /\.ya?ml$/.test(name)).sort();
  if (configs.length === 0) throw new UserError(`no demo configs in ${options.configDir}`);
  const dir = await mkdtemp(join(tmpdir(), 'connect-telemetry-demo-'));
  const say = (text: string) => deps.stderr(`demo: ${text}\n`);
  const daemons: ChildProcess[] = [];
  const storage = await openSqliteStorage(join(dir, 'collector.db'));
  const collector = await startCollector(
    { host: '127.0.0.1', port: 0 },
    { storage, jwt: createJwtReader([]), logger: createLogger('warn', { write: (line: string) => deps.stderr(line) }), now: Date.now, maxBodyBytes: 1 << 20 },
  );
  const endpoint = `http://127.0.0.1:${collector.port}/connect/telemetry`;
  try {
    say(`collector on ${endpoint}, database ${join(dir, 'collector.db')}`);
    for (const [i, config] of configs.entries()) {
      const args = [BIN, 'run', '--config', join(options.configDir, config), '--endpoint', endpoint, '--delay', '1s', '--period', '2s', '--state-dir', join(dir, `state-${i}`), '--log-level', 'warn'];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...deps.env, CONNECT_TELEMETRY_DISABLED: '', DO_NOT_TRACK: '' } });
      let errors = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors = (errors + chunk).slice(-4000)));
      child.once('exit', (code) => {
        if (code !== 0 && code !== null && !deps.shutdown.aborted) say(`sidecar for ${config} exited with ${code}: ${errors.trim()}`);
      });
      daemons.push(child);
      say(`sidecar ${i + 1}: ${basename(config)}`);
    }
    const deadline = Date.now() + options.timeoutMs;
    const wanted = configs.length;
    let seen = 0;
    let complete = 0;
    while (!deps.shutdown.aborted && Date.now() < deadline) {
      const rows = await storage.query('SELECT COUNT(*) AS instances, SUM(CASE WHEN n >= ? THEN 1 ELSE 0 END) AS complete FROM (SELECT instance_id, COUNT(*) AS n FROM reports GROUP BY instance_id) r', [options.rounds]);
      seen = Number(rows[0]?.['instances'] ?? 0);
      complete = Number(rows[0]?.['complete'] ?? 0);
      if (complete >= wanted) break;
      if (daemons.every((d) => d.exitCode !== null)) break;
      await sleep(250, deps.shutdown);
    }
    if (deps.shutdown.aborted) return 130;
    say(`${seen} of ${wanted} sidecar(s) reported (${complete} sent ${options.rounds} or more)`);
    await Promise.all(daemons.map(stop));
    const analysis = await analyse(storage, { now: Date.now(), windowMs: 86_400_000, minUptimeSeconds: 0, minSupport: 0, minConfidence: 0, limit: 20 });
    deps.stdout(options.format === 'json' ? formatJson(analysis) : formatTable(analysis));
    return complete >= wanted ? 0 : 1;
  } finally {
    await Promise.all(daemons.map(stop));
    await collector.close(2000);
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}
