/**
 * `simulate`: build a made-up fleet's reports from real configs, with the
 * sidecar's own walker, and post them to a collector. The simulator loads
 * only when this command runs.
 */
import type { Command } from 'commander';
import { UserError } from '../lib/errors.ts';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { countFlag, repeatable } from './flags.ts';

export interface SimulateOptions {
  endpoint: string;
  instances: number;
  configs: string[];
  concurrency: number;
  seed: number;
  signingKeyFile: string | undefined;
}

interface RawSimulateOptions {
  endpoint: string;
  instances: string;
  config?: string[];
  concurrency: string;
  seed: string;
  signingKey?: string;
}

export function defineSimulateCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('simulate')
    .description("post reports of a made-up fleet, built from real configs by the sidecar's own walker")
    .requiredOption('--endpoint <url>', 'collector URL, e.g. http://127.0.0.1:4300/connect/telemetry')
    .option('--instances <n>', 'how many instances to simulate', '50')
    .option('-c, --config <path>', 'config file or directory of configs (repeatable) (default: the demo configs in examples/demo)', repeatable)
    .option('--concurrency <n>', 'requests in flight at once', '8')
    .option('--seed <n>', 'same seed, same fleet', '1')
    .option('--signing-key <pem>', 'RSA private key: send RS256 JWTs (text/plain) as Connect does')
    .action(async (raw: RawSimulateOptions) => {
      const options: SimulateOptions = {
        endpoint: raw.endpoint,
        instances: countFlag('instances', raw.instances),
        configs: raw.config ?? [],
        concurrency: Math.max(1, countFlag('concurrency', raw.concurrency)),
        seed: countFlag('seed', raw.seed),
        signingKeyFile: raw.signingKey,
      };
      setExit(await simulate(options, deps, Date.now()));
    });
}

export async function simulate(options: SimulateOptions, deps: Pick<CliDeps, 'stdout'>, now: number): Promise<number> {
  const [{ bundledCatalogue }, { readRsaPrivateKey }, { DEMO_CONFIG_DIR, readConfigFiles }, { sendFleet }, { simulateFleet }] = await Promise.all([
    import('../catalogue/load-catalogue.ts'),
    import('../lib/private-key.ts'),
    import('../simulator/fleet-configs.ts'),
    import('../simulator/send-fleet.ts'),
    import('../simulator/simulate-fleet.ts'),
  ]);
  const configs = await readConfigFiles(options.configs.length > 0 ? options.configs : [DEMO_CONFIG_DIR]);
  if (configs.length === 0) throw new UserError('no configs found; give --config <file or directory>');
  const signingKey = options.signingKeyFile === undefined ? undefined : await readRsaPrivateKey(options.signingKeyFile, '--signing-key');
  const payloads = simulateFleet(configs, bundledCatalogue(), options.instances, options.seed, now);
  const { statuses } = await sendFleet(payloads, options.endpoint, { concurrency: options.concurrency, signingKey });
  const summary = Object.entries(statuses)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} ×${count}`)
    .join(', ');
  deps.stdout(`sent ${payloads.length} report(s) from ${configs.length} config(s) to ${options.endpoint}: ${summary}\n`);
  return (statuses[204] ?? 0) === payloads.length ? 0 : 1;
}
