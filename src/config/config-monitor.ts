/**
 * Keeps the latest good summary of the config. A reload reads the files and
 * the env files, skips all work when no byte changed (content hash), re-parses
 * only the files that changed (all of them when an env file changed), and on
 * any error keeps the last good summary.
 */
import { createHash } from 'node:crypto';
import type { Catalogue } from '../catalogue/catalogue.ts';
import { errorMessage } from '../lib/errors.ts';
import { readConfigTexts } from './load-configs.ts';
import { readEnvFiles } from './read-env-files.ts';
import { resolveConfigFiles, type ConfigSources, type ResolvedConfigs } from './resolve-config-files.ts';
import { summarise, summariseText, type ConfigText, type FileComponents, type Summary } from './summarise.ts';
import type { Env } from '../lib/env.ts';

export type ReloadOutcome =
  | { kind: 'changed'; summary: Summary }
  | { kind: 'unchanged' }
  | { kind: 'failed'; error: string; keptPrevious: boolean };

const hashText = (config: ConfigText, envDigest: string) =>
  createHash('sha256').update(config.role).update('\0').update(config.path).update('\0').update(envDigest).update('\0').update(config.text).digest('hex');

export class ConfigMonitor {
  private readonly sources: ConfigSources;
  private readonly cwd: string;
  private readonly catalogue: Catalogue;
  private readonly env: Env;
  private readonly beforeParsing: (bytes: number) => void;
  private lastHash: string | undefined;
  private fileCache = new Map<string, FileComponents>();
  /** The last good summary; undefined until a config has been read once. */
  summary: Summary | undefined;
  /** What the last successful resolve found, for the watcher. */
  resolved: ResolvedConfigs | undefined;

  /** `beforeParsing` hears how many bytes a reload is about to parse (only the files that changed). */
  constructor(
    sources: ConfigSources,
    cwd: string,
    catalogue: Catalogue,
    env: Env,
    beforeParsing: (bytes: number) => void = () => undefined,
  ) {
    this.sources = sources;
    this.cwd = cwd;
    this.catalogue = catalogue;
    this.env = env;
    this.beforeParsing = beforeParsing;
  }

  async reload(): Promise<ReloadOutcome> {
    try {
      const resolved = await resolveConfigFiles(this.sources, this.cwd);
      this.resolved = resolved;
      const [texts, envFiles] = await Promise.all([readConfigTexts(resolved), readEnvFiles(resolved.envFiles, this.env)]);
      // A file's components depend on the env files too: their texts join every hash.
      const envDigest = createHash('sha256').update(JSON.stringify([resolved.envFiles, envFiles.texts])).digest('hex');
      const hashes = new Map(texts.map((config) => [config, hashText(config, envDigest)]));
      const overall = createHash('sha256').update([...hashes.values()].join('\n')).digest('hex');
      if (overall === this.lastHash && this.summary) return { kind: 'unchanged' };
      let changedBytes = 0;
      for (const [config, hash] of hashes) if (!this.fileCache.has(hash)) changedBytes += config.text.length;
      this.beforeParsing(changedBytes);
      const nextCache = new Map<string, FileComponents>();
      const summary = summarise(texts, this.catalogue, envFiles.env, (config) => {
        const key = hashes.get(config) ?? hashText(config, envDigest);
        const file = this.fileCache.get(key) ?? summariseText(config, this.catalogue, envFiles.env);
        nextCache.set(key, file);
        return file;
      });
      this.fileCache = nextCache;
      this.lastHash = overall;
      this.summary = summary;
      return { kind: 'changed', summary };
    } catch (error) {
      return { kind: 'failed', error: errorMessage(error), keptPrevious: this.summary !== undefined };
    }
  }
}
