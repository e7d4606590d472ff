/**
 * The thin edge that reads configs from disk: resolve the paths, read each
 * file safely, and hand the texts to the pure summariser.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import { readConfigFile } from './read-config-file.ts';
import { resolveConfigFiles, type ConfigSources, type ResolvedConfigs } from './resolve-config-files.ts';
import { summarise, type ConfigText, type Summary } from './summarise.ts';

export async function readConfigTexts(resolved: ResolvedConfigs): Promise<ConfigText[]> {
  const texts: ConfigText[] = [];
  for (const file of resolved.files) texts.push({ ...file, text: await readConfigFile(file.path) });
  return texts;
}

export interface LoadedConfigs {
  resolved: ResolvedConfigs;
  texts: ConfigText[];
  summary: Summary;
}

export async function loadConfigs(
  sources: ConfigSources,
  cwd: string,
  catalogue: Catalogue,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedConfigs> {
  const resolved = await resolveConfigFiles(sources, cwd);
  const texts = await readConfigTexts(resolved);
  return { resolved, texts, summary: summarise(texts, catalogue, env) };
}
