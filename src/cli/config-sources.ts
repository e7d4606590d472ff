/**
 * The flags that choose and read configs, shared by `run` (and its
 * --dry-run) and `inspect`, and the step both take before reading: find
 * Connect's default config when none was given, and load the catalogue.
 */
import type { Command } from 'commander';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import type { CliDeps } from './cli-deps.ts';
import { repeatable } from './flags.ts';

export function addConfigFlags(command: Command): Command {
  return command
    .option('-c, --config <path>', 'Connect config file, or a streams directory (repeatable) [CONNECT_TELEMETRY_CONFIG, comma-separated]', repeatable)
    .option('-r, --resources <path>', 'resource file or glob (repeatable) [CONNECT_TELEMETRY_RESOURCES, comma-separated]', repeatable)
    .option('--schema <file>', 'component catalogue from `rpk connect list --format jsonschema` instead of the bundled one [CONNECT_TELEMETRY_SCHEMA]');
}

/** The configs to read, and the catalogue to read them with. */
export async function configsAndCatalogue(
  options: { configs: string[]; resources: string[]; schema: string | undefined },
  deps: Pick<CliDeps, 'cwd' | 'stderr'>,
): Promise<{ sources: ConfigSources; catalogue: Catalogue }> {
  const [sources, catalogue] = await Promise.all([configSources(options.configs, options.resources, deps), loadCatalogueFor(options.schema)]);
  return { sources, catalogue };
}

async function configSources(configs: string[], resources: string[], deps: Pick<CliDeps, 'cwd' | 'stderr'>): Promise<ConfigSources> {
  if (configs.length > 0) return { configs, resources };
  const { requireDefaultConfig } = await import('../config/find-default-config.ts');
  const found = await requireDefaultConfig(deps.cwd);
  deps.stderr(`using config ${found} (Connect's default location)\n`);
  return { configs: [found], resources };
}

async function loadCatalogueFor(schema: string | undefined): Promise<Catalogue> {
  const { loadCatalogue } = await import('../catalogue/load-catalogue.ts');
  return loadCatalogue(schema);
}
