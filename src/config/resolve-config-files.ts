/**
 * Turns the --config and --resources arguments into the list of files to read,
 * the way Connect's CLI does: one file is a main config; a directory (or
 * several files) is streams mode, where each YAML file is a stream config;
 * resource paths may be globs.
 */
import { glob, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';

export type ConfigRole = 'main' | 'stream' | 'resource';

export interface ConfigFile {
  path: string;
  role: ConfigRole;
}

export interface ConfigSources {
  configs: readonly string[];
  resources: readonly string[];
}

export interface ResolvedConfigs {
  mode: 'single' | 'streams';
  files: ConfigFile[];
  /** Directories to watch for files coming and going (streams directories). */
  directories: string[];
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);
const hasGlob = (path: string) => /[*?[\]{}]/.test(path);

/** Every YAML file under a streams directory, sorted; hidden entries (`..data`) are skipped. */
async function streamFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [directory];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw describeFsError(error, dir, 'streams directory');
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // ConfigMap internals and editor files
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
      } else if (isYaml(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
        if (!seen.has(path)) found.push(path);
        seen.add(path);
      }
    }
  }
  return found.sort();
}

async function resourceFiles(pattern: string, cwd: string): Promise<string[]> {
  if (!hasGlob(pattern)) return [resolve(cwd, pattern)];
  const matches: string[] = [];
  for await (const match of glob(pattern, { cwd })) matches.push(resolve(cwd, match));
  if (matches.length === 0) throw new UserError(`no resource files match ${pattern}`);
  return matches.sort();
}

export async function resolveConfigFiles(sources: ConfigSources, cwd: string): Promise<ResolvedConfigs> {
  const explicitFiles: string[] = [];
  const directories: string[] = [];
  const streamPaths: string[] = [];
  for (const given of sources.configs) {
    const path = resolve(cwd, given);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw describeFsError(error, path);
    }
    if (info.isDirectory()) {
      const files = await streamFiles(path);
      if (files.length === 0) throw new UserError(`no stream configs (*.yaml, *.yml) in directory ${path}`);
      directories.push(path);
      streamPaths.push(...files);
    } else {
      explicitFiles.push(path);
    }
  }
  const mode = directories.length === 0 && explicitFiles.length === 1 ? 'single' : 'streams';
  const files: ConfigFile[] = [...explicitFiles, ...streamPaths].map((path) => ({
    path,
    role: mode === 'single' ? 'main' : 'stream',
  }));
  for (const pattern of sources.resources) {
    for (const path of await resourceFiles(pattern, cwd)) files.push({ path, role: 'resource' });
  }
  return { mode, files, directories };
}
