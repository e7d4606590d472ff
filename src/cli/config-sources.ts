/**
 * The flags that choose and read configs, shared by `run` (and its
 * --dry-run), `streams` and `inspect`, and the step they take before reading:
 * fill in Connect's default config where Connect would, and load the
 * catalogue.
 */
import type { Command } from 'commander';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import type { CliDeps } from './cli-deps.ts';
import { repeatable } from './flags.ts';
import type { RunOptions } from './run-options.ts';

/** `-c`: `run`'s config (the path after `run` does the same). */
export function addConfigFlag(command: Command): Command {
  return command.option('-c, --config <path>', 'Connect config file, or a streams directory (repeatable) [CONNECT_TELEMETRY_CONFIG, comma-separated]', repeatable);
}

/** What every config-reading command takes: resources, env files and the catalogue. */
export function addReadingFlags(command: Command): Command {
  return command
    .option('-r, --resources <path>', 'resource file or glob (repeatable) [CONNECT_TELEMETRY_RESOURCES, comma-separated]', repeatable)
    .option('-e, --env-file <path>', 'env file (dotenv, as Connect reads it) whose variables ${VAR} in the configs may use; repeatable, a later one wins [CONNECT_TELEMETRY_ENV_FILE, comma-separated]', repeatable)
    .option('--schema <file>', 'component catalogue from `rpk connect list --format jsonschema` instead of the bundled one [CONNECT_TELEMETRY_SCHEMA]');
}

/** `-o`: the observability config of streams mode, as Connect's `streams -o`. */
export function addObservabilityFlag(command: Command): Command {
  return command.option('-o, --observability <path>', "streams mode's root config; only its non-stream fields (metrics, tracer, resources…) are read (default: Connect's default config, if there is one)");
}

type SourceOptions = Pick<RunOptions, 'configs' | 'resources' | 'envFiles' | 'streams' | 'observability' | 'schema'>;

/** The configs to read, and the catalogue to read them with. */
export async function configsAndCatalogue(options: SourceOptions, deps: Pick<CliDeps, 'cwd' | 'stderr'>): Promise<{ sources: ConfigSources; catalogue: Catalogue }> {
  const [sources, catalogue] = await Promise.all([configSources(options, deps), loadCatalogueFor(options.schema)]);
  return { sources, catalogue };
}

async function configSources(options: SourceOptions, deps: Pick<CliDeps, 'cwd' | 'stderr'>): Promise<ConfigSources> {
  const { withDefaultConfig } = await import('../config/find-default-config.ts');
  const given = { configs: options.configs, resources: options.resources, envFiles: options.envFiles, streams: options.streams, observability: options.observability };
  const { sources, found } = await withDefaultConfig(given, deps.cwd);
  if (found !== undefined) deps.stderr(`using ${options.streams ? 'observability config' : 'config'} ${found} (Connect's default location)\n`);
  return sources;
}

async function loadCatalogueFor(schema: string | undefined): Promise<Catalogue> {
  const { loadCatalogue } = await import('../catalogue/load-catalogue.ts');
  return loadCatalogue(schema);
}
