/**
 * `inspect`: every component found, where it is and what it counts as. Local
 * only: nothing is sent, and it is the one place that shows names the
 * catalogue does not know.
 */
import type { Command } from 'commander';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import type { CommandContext } from './cli-deps.ts';
import { addConfigFlags, configsAndCatalogue } from './config-sources.ts';
import type { Env } from '../lib/env.ts';
import { resolveRunOptions } from './run-options.ts';

export interface InspectDeps {
  cwd: string;
  env: Env;
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function defineInspectCommand(program: Command, { deps }: CommandContext): void {
  addConfigFlags(program.command('inspect'))
    .description('show every component found, where it is and what it counts as (local only; nothing is sent)')
    .option('--json', 'print JSON instead of a table')
    .action(async (raw: { config?: string[]; resources?: string[]; schema?: string; json?: boolean }) => {
      const options = resolveRunOptions({ config: raw.config, resources: raw.resources, schema: raw.schema }, deps.env);
      const { sources, catalogue } = await configsAndCatalogue(options, deps);
      await inspect(sources, catalogue, { ...deps, json: raw.json === true });
    });
}

export async function inspect(sources: ConfigSources, catalogue: Catalogue, deps: InspectDeps): Promise<void> {
  const [{ loadConfigs }, { formatSummaryTable }] = await Promise.all([import('../config/load-configs.ts'), import('./summary-table.ts')]);
  const { summary, resolved } = await loadConfigs(sources, deps.cwd, catalogue, deps.env);
  if (deps.json) {
    deps.stdout(JSON.stringify({ mode: resolved.mode, catalogue: catalogue.connectVersion, ...summary }, null, 2) + '\n');
    return;
  }
  deps.stdout(`mode: ${resolved.mode}; catalogue: Redpanda Connect ${catalogue.connectVersion}\n\n`);
  deps.stdout(formatSummaryTable(summary, deps.cwd));
}
