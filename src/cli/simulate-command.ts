/**
 * `connect-telemetry simulate`: build a fleet's reports from configs and post them.
 */
import type { CliDeps } from './program.ts';
import { bundledCatalogue } from '../catalogue/load-catalogue.ts';
import { UserError } from '../lib/errors.ts';
import { readRsaPrivateKey } from '../lib/private-key.ts';
import { DEMO_CONFIG_DIR, readConfigFiles } from '../simulator/fleet-configs.ts';
import { sendFleet } from '../simulator/send-fleet.ts';
import { simulateFleet } from '../simulator/simulate-fleet.ts';

export interface SimulateOptions {
  endpoint: string;
  instances: number;
  configs: string[];
  concurrency: number;
  seed: number;
  signingKeyFile: string | undefined;
}

export async function simulate(options: SimulateOptions, deps: Pick<CliDeps, 'stdout'>, now: number): Promise<number> {
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
