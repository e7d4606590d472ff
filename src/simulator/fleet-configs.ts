/**
 * The configs a simulated fleet runs: the demo configs shipped with the
 * package, or files and directories a user names.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError } from '../lib/fs-errors.ts';
import { packagePath } from '../lib/package-path.ts';
import type { ConfigFile } from './simulate-fleet.ts';

/** The demo configs shipped with the project. */
export const DEMO_CONFIG_DIR = packagePath('examples', 'demo');

export async function readConfigFiles(paths: readonly string[]): Promise<ConfigFile[]> {
  const files: string[] = [];
  for (const path of paths) {
    let entries: string[] | undefined;
    try {
      entries = (await readdir(path)).filter((name) => /\.ya?ml$/.test(name)).sort();
    } catch {
      entries = undefined; // not a directory: a file
    }
    if (entries) files.push(...entries.map((name) => join(path, name)));
    else files.push(path);
  }
  return Promise.all(
    files.map(async (path) => {
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (error) {
        throw describeFsError(error, path);
      }
    }),
  );
}
