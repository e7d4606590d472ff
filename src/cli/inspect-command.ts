/**
 * `inspect`: every component found, where it is, what it counts as and why.
 * Local only: nothing is sent, and it is the one place that shows names the
 * catalogue does not know. It takes configs as `run` does
 * (`inspect ./config.yaml`), or as `streams` does (`inspect --streams ./streams`).
 */
import type { Command } from 'commander';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import { UserError } from '../lib/errors.ts';
import type { Env } from '../lib/env.ts';
import type { CommandContext } from './cli-deps.ts';
import { addConfigFlag, addObservabilityFlag, addReadingFlags, configsAndCatalogue } from './config-sources.ts';
import { configArgument, resolveRunOptions, type RawOptions } from './run-options.ts';
import { streamPaths } from './streams-command.ts';

export interface InspectDeps {
  cwd: string;
  env: Env;
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type RawInspectOptions = Pick<RawOptions, 'config' | 'resources' | 'envFile' | 'observability' | 'schema'> & { json?: boolean; streams?: boolean };

function positionals(paths: string[], raw: RawInspectOptions) {
  if (raw.streams) {
    if (raw.config !== undefined) throw new UserError('inspect --streams takes stream paths after the command, not --config');
    return { streams: streamPaths(paths) };
  }
  if (raw.observability !== undefined) throw new UserError('--observability is for streams mode: add --streams');
  return { config: configArgument('inspect', paths, raw) };
}

export function defineInspectCommand(program: Command, { deps }: CommandContext): void {
  addObservabilityFlag(addReadingFlags(addConfigFlag(program.command('inspect'))))
    .description('show every component found, where it is, what it counts as and why (local only; nothing is sent)')
    .argument('[paths...]', "the config, as given to Connect's run; with --streams, stream files, directories or globs")
    .option('--streams', "read the paths as Connect's streams command does")
    .option('--json', 'print JSON instead of a table')
    .action(async (paths: string[], raw: RawInspectOptions) => {
      const { streams: _streams, json, ...flags } = raw;
      const options = resolveRunOptions(flags, deps.env, positionals(paths, raw));
      const { sources, catalogue } = await configsAndCatalogue(options, deps);
      await inspect(sources, catalogue, { ...deps, json: json === true });
    });
}

export async function inspect(sources: ConfigSources, catalogue: Catalogue, deps: InspectDeps): Promise<void> {
  const [{ loadConfigs }, { formatSummaryTable }] = await Promise.all([import('../config/load-configs.ts'), import('./summary-table.ts')]);
  const { summary, resolved, warnings } = await loadConfigs(sources, deps.cwd, catalogue, deps.env);
  for (const warning of warnings) deps.stderr(`warning: ${warning}\n`);
  if (deps.json) {
    deps.stdout(JSON.stringify({ mode: resolved.mode, catalogue: catalogue.connectVersion, ...summary }, null, 2) + '\n');
    return;
  }
  deps.stdout(`mode: ${resolved.mode}; catalogue: Redpanda Connect ${catalogue.connectVersion}\n\n`);
  deps.stdout(formatSummaryTable(summary, deps.cwd));
}
