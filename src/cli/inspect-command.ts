/** `inspect`: what was found, where, and what it counts as. Local only. */
import type { Catalogue } from '../catalogue/catalogue.ts';
import { loadConfigs } from '../config/load-configs.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import type { Env } from './run-options.ts';
import { formatSummaryTable } from './summary-table.ts';

export interface InspectDeps {
  cwd: string;
  env: Env;
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function inspect(sources: ConfigSources, catalogue: Catalogue, deps: InspectDeps): Promise<void> {
  const { summary, resolved } = await loadConfigs(sources, deps.cwd, catalogue, deps.env);
  if (deps.json) {
    deps.stdout(JSON.stringify({ mode: resolved.mode, catalogue: catalogue.connectVersion, ...summary }, null, 2) + '\n');
    return;
  }
  deps.stdout(`mode: ${resolved.mode}; catalogue: Redpanda Connect ${catalogue.connectVersion}\n\n`);
  deps.stdout(formatSummaryTable(summary, deps.cwd));
}
