/**
 * `connect-telemetry simulate`: build a fleet's reports from configs and post them.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CliDeps } from './program.ts';
import { bundledCatalogue } from '../catalogue/load-catalogue.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { DEMO_CONFIG_DIR, readConfigFiles, sendFleet, simulateFleet } from '../simulator/simulate-fleet.ts';

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
  let signingKey;
  if (options.signingKeyFile !== undefined) {
    let pem: string;
    try {
      pem = await readFile(options.signingKeyFile, 'utf8');
    } catch (error) {
      throw describeFsError(error, options.signingKeyFile, 'signing key');
    }
    try {
      signingKey = createPrivateKey(pem);
    } catch (error) {
      throw new UserError(`--signing-key ${options.signingKeyFile}: not a PEM private key (${errorMessage(error)})`);
    }
  }
  const payloads = simulateFleet(configs, bundledCatalogue(), options.instances, options.seed, now);
  const { statuses } = await sendFleet(payloads, options.endpoint, { concurrency: options.concurrency, signingKey });
  const summary = Object.entries(statuses)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} ×${count}`)
    .join(', ');
  deps.stdout(`sent ${payloads.length} report(s) from ${configs.length} config(s) to ${options.endpoint}: ${summary}\n`);
  return (statuses[204] ?? 0) === payloads.length ? 0 : 1;
}
