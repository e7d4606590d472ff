/**
 * `simulate`: build a made-up fleet's reports from real configs, with the
 * sidecar's own walker, and post them to a collector (--endpoint), or write
 * a fleet's history of reports straight into a database (--db), with
 * adoption that changes over time, so `report --trend` has something to
 * show. The simulator loads only when this command runs.
 */
import type { Command } from 'commander';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigFile } from '../simulator/simulate-fleet.ts';
import { UserError } from '../lib/errors.ts';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { countFlag, durationFlag, repeatable } from './flags.ts';

export interface SimulateOptions {
  endpoint: string | undefined;
  db: string | undefined;
  instances: number;
  configs: string[];
  concurrency: number;
  seed: number;
  signingKeyFile: string | undefined;
  historyMs: number;
  periodMs: number;
}

interface RawSimulateOptions {
  endpoint?: string;
  db?: string;
  instances: string;
  config?: string[];
  concurrency: string;
  seed: string;
  signingKey?: string;
  history: string;
  every: string;
}

export function defineSimulateCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('simulate')
    .description("a made-up fleet built from real configs by the sidecar's own walker: posted to a collector, or its history written to a database")
    .option('--endpoint <url>', 'collector URL to post one report per instance to, e.g. http://127.0.0.1:4300/connect/telemetry')
    .option('--db <path|url>', 'instead, write each instance\'s reports over --history straight into this SQLite file or postgres:// database')
    .option('--instances <n>', 'how many instances to simulate', '50')
    .option('-c, --config <path>', 'config file or directory of configs (repeatable) (default: the demo configs in examples/demo)', repeatable)
    .option('--concurrency <n>', 'requests in flight at once (with --endpoint)', '8')
    .option('--seed <n>', 'same seed, same fleet', '1')
    .option('--signing-key <pem>', 'RSA private key: send RS256 JWTs (text/plain) as Connect does (with --endpoint)')
    .option('--history <duration>', 'with --db: how far back the fleet starts; instances join throughout, and adoption shifts from the first configs to the last', '8w')
    .option('--every <duration>', 'with --db: time between one instance\'s reports', '1d')
    .action(async (raw: RawSimulateOptions) => {
      if ((raw.endpoint === undefined) === (raw.db === undefined)) throw new UserError('simulate needs exactly one of --endpoint (post to a collector) or --db (write a history into a database)');
      const periodMs = durationFlag('every', raw.every);
      if (periodMs < 60_000) throw new UserError('--every must be at least 1m');
      const options: SimulateOptions = {
        endpoint: raw.endpoint,
        db: raw.db,
        instances: countFlag('instances', raw.instances),
        configs: raw.config ?? [],
        concurrency: Math.max(1, countFlag('concurrency', raw.concurrency)),
        seed: countFlag('seed', raw.seed),
        signingKeyFile: raw.signingKey,
        historyMs: durationFlag('history', raw.history),
        periodMs,
      };
      setExit(await simulate(options, deps, Date.now()));
    });
}

async function loadConfigs(paths: readonly string[]) {
  const { DEMO_CONFIG_DIR, readConfigFiles } = await import('../simulator/fleet-configs.ts');
  const configs = await readConfigFiles(paths.length > 0 ? paths : [DEMO_CONFIG_DIR]);
  if (configs.length === 0) throw new UserError('no configs found; give --config <file or directory>');
  return configs;
}

export async function simulate(options: SimulateOptions, deps: Pick<CliDeps, 'stdout'>, now: number): Promise<number> {
  const [{ bundledCatalogue }, configs] = await Promise.all([import('../catalogue/load-catalogue.ts'), loadConfigs(options.configs)]);
  if (options.db !== undefined) return simulateHistoryInto(options.db, options, configs, bundledCatalogue(), deps, now);
  const [{ readRsaPrivateKey }, { sendFleet }, { simulateFleet }] = await Promise.all([import('../lib/private-key.ts'), import('../simulator/send-fleet.ts'), import('../simulator/simulate-fleet.ts')]);
  const endpoint = options.endpoint as string;
  const signingKey = options.signingKeyFile === undefined ? undefined : await readRsaPrivateKey(options.signingKeyFile, '--signing-key');
  const payloads = simulateFleet(configs, bundledCatalogue(), options.instances, options.seed, now);
  const { statuses } = await sendFleet(payloads, endpoint, { concurrency: options.concurrency, signingKey });
  const summary = Object.entries(statuses)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} ×${count}`)
    .join(', ');
  deps.stdout(`sent ${payloads.length} report(s) from ${configs.length} config(s) to ${endpoint}: ${summary}\n`);
  return (statuses[204] ?? 0) === payloads.length ? 0 : 1;
}

async function simulateHistoryInto(db: string, options: SimulateOptions, configs: readonly ConfigFile[], catalogue: Catalogue, deps: Pick<CliDeps, 'stdout'>, now: number): Promise<number> {
  const [{ openStorageFor, redactDbUrl }, { simulateHistory }, { storeHistory }] = await Promise.all([
    import('../collector/storage/open-storage.ts'),
    import('../simulator/simulate-history.ts'),
    import('../simulator/store-history.ts'),
  ]);
  const history = simulateHistory(configs, catalogue, { instances: options.instances, historyMs: options.historyMs, periodMs: options.periodMs, seed: options.seed, now });
  const storage = await openStorageFor(db);
  try {
    const stored = await storeHistory(storage, history);
    deps.stdout(`wrote ${stored} report(s) of ${options.instances} instance(s) over the last ${Math.round(options.historyMs / 86_400_000)} day(s) into ${redactDbUrl(db)}\n`);
  } finally {
    await storage.close();
  }
  return 0;
}
