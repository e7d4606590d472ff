/**
 * Turns the config arguments into the list of files to read, the way
 * Connect's CLI does:
 * - `run` (-c, or the path after `run`): one file is a main config; a
 *   directory or several files is streams mode, each YAML file a stream.
 * - `streams`: each path (a file, a directory or a glob) gives stream
 *   configs, and the observability config (-o) gives only its non-stream
 *   fields (metrics, tracer, resources…).
 * - resource paths (-r) and env files (-e) may be globs.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { expandGlobs } from './expand-globs.ts';

export type ConfigRole = 'main' | 'stream' | 'resource' | 'observability';

export interface ConfigFile {
  path: string;
  role: ConfigRole;
}

export interface ConfigSources {
  /** `run`'s configs: one file is a main config; a directory or several files, streams mode. */
  configs: readonly string[];
  /** Resource files or globs (-r). */
  resources: readonly string[];
  /** Env files or globs (-e), whose variables config references may use. */
  envFiles?: readonly string[] | undefined;
  /** `streams`' stream files, directories or globs: streams mode, whatever their number. */
  streams?: readonly string[] | undefined;
  /** `streams`' observability config (-o): Connect reads only its non-stream fields. */
  observability?: string | undefined;
}

export interface ResolvedConfigs {
  mode: 'single' | 'streams';
  files: ConfigFile[];
  /** Directories to watch for files coming and going (streams directories). */
  directories: string[];
  /** Env files, in the order their variables apply (a later one wins). */
  envFiles: string[];
}

/** Connect reads stream files by these suffixes, and skips its own unit-test files. */
const isYaml = (name: string) => name.endsWith('.yaml') || name.endsWith('.yml');
const TEST_SUFFIX = '_benthos_test';

/** The stream ID Connect gives a file under a streams directory (`a/b.yaml` → `a_b`). */
const streamId = (directory: string, path: string) => relative(directory, path).replace(/\.yaml$/, '').replace(/\.yml$/, '').split(sep).join('_');

/**
 * Every YAML file under a streams directory, sorted. Hidden entries (the
 * `..data` and `..<timestamp>` entries of a mounted ConfigMap, editor files)
 * are skipped, unlike Connect, which would read a ConfigMap's files twice.
 */
async function streamFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [directory];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw describeFsError(error, dir, 'streams directory');
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (isYaml(entry.name) && (entry.isFile() || entry.isSymbolicLink()) && !streamId(directory, path).endsWith(TEST_SUFFIX)) found.push(path);
    }
  }
  return found.sort();
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    throw describeFsError(error, path);
  }
}

/** `run`: one file is the main config; anything more is streams mode. */
async function runFiles(configs: readonly string[], cwd: string): Promise<Omit<ResolvedConfigs, 'envFiles'>> {
  const explicitFiles: string[] = [];
  const directories: string[] = [];
  const streamPaths: string[] = [];
  for (const given of configs) {
    const path = resolve(cwd, given);
    if (await isDirectory(path)) {
      const files = await streamFiles(path);
      if (files.length === 0) throw new UserError(`no stream configs (*.yaml, *.yml) in directory ${path}`);
      directories.push(path);
      streamPaths.push(...files);
    } else {
      explicitFiles.push(path);
    }
  }
  const mode = directories.length === 0 && explicitFiles.length === 1 ? 'single' : 'streams';
  const role = mode === 'single' ? 'main' : 'stream';
  return { mode, files: [...explicitFiles, ...streamPaths].map((path) => ({ path, role })), directories };
}

/** `streams`: the observability config, then every stream file; a directory may be empty for now. */
async function streamsModeFiles(sources: ConfigSources, cwd: string): Promise<Omit<ResolvedConfigs, 'envFiles'>> {
  const files: ConfigFile[] = [];
  const directories: string[] = [];
  if (sources.observability !== undefined) files.push({ path: resolve(cwd, sources.observability), role: 'observability' });
  for (const path of await expandGlobs(sources.streams ?? [], cwd)) {
    if (await isDirectory(path)) {
      directories.push(path);
      files.push(...(await streamFiles(path)).map((file) => ({ path: file, role: 'stream' as const })));
    } else {
      files.push({ path, role: 'stream' });
    }
  }
  return { mode: 'streams', files, directories };
}

export async function resolveConfigFiles(sources: ConfigSources, cwd: string): Promise<ResolvedConfigs> {
  const { mode, files, directories } = sources.streams !== undefined ? await streamsModeFiles(sources, cwd) : await runFiles(sources.configs, cwd);
  for (const path of await expandGlobs(sources.resources, cwd)) files.push({ path, role: 'resource' });
  return { mode, files, directories, envFiles: await expandGlobs(sources.envFiles ?? [], cwd) };
}
