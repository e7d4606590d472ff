/**
 * The thin edge that reads configs from disk: resolve the paths, read each
 * file (and each env file) safely, and hand the texts to the pure summariser.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import { readConfigFile } from './read-config-file.ts';
import { readEnvFiles, stoppedWarning } from './read-env-files.ts';
import { resolveConfigFiles, type ConfigSources, type ResolvedConfigs } from './resolve-config-files.ts';
import { summarise, type ConfigText, type Summary } from './summarise.ts';
import type { Env } from '../lib/env.ts';

/**
 * Files read at once. One after another, a 2,000-file streams directory
 * waits on some 10,000 round trips to libuv's thread pool (open, stat, read,
 * close), which cost more than parsing the files.
 */
const READ_CONCURRENCY = 8;

/** Reads every file, in order; on failure, throws the first failing file's error. */
export async function readConfigTexts(resolved: ResolvedConfigs): Promise<ConfigText[]> {
  const { files } = resolved;
  const texts: ConfigText[] = new Array(files.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const reader = async () => {
    while (next < files.length && failures.size === 0) {
      const index = next++;
      const file = files[index] as ResolvedConfigs['files'][number];
      try {
        texts[index] = { ...file, text: await readConfigFile(file.path) };
      } catch (error) {
        failures.set(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, reader));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return texts;
}

export interface LoadedConfigs {
  resolved: ResolvedConfigs;
  texts: ConfigText[];
  summary: Summary;
  /** Warnings a user should see (local output only: they name files, never values). */
  warnings: string[];
}

/** Reads the configs and env files the sources name, and summarises them; `env` is the process environment. */
export async function loadConfigs(
  sources: ConfigSources,
  cwd: string,
  catalogue: Catalogue,
  env: Env,
): Promise<LoadedConfigs> {
  const resolved = await resolveConfigFiles(sources, cwd);
  const [texts, envFiles] = await Promise.all([readConfigTexts(resolved), readEnvFiles(resolved.envFiles, env)]);
  return { resolved, texts, summary: summarise(texts, catalogue, envFiles.env), warnings: envFiles.stopped.map(stoppedWarning) };
}
