/**
 * Expands the paths given to `-r`, `-e` and `streams` the way Connect's
 * command line does (benthos `internal/filepath.Globs`): a path holding `*`,
 * `?`, `[` or `\` is a glob pattern (`**` crosses directories) and stands
 * for the paths it matches, which may be none; any other path stands for
 * itself, whether or not it exists, so a missing file is still reported.
 * Duplicates are dropped, the first kept.
 */
import { glob } from 'node:fs/promises';
import { resolve } from 'node:path';

const isPattern = (path: string) => /[*?[\\]/.test(path);

/** Absolute paths, pattern by pattern in the order given; each pattern's matches sorted. */
export async function expandGlobs(paths: readonly string[], cwd: string): Promise<string[]> {
  const expanded = new Set<string>();
  for (const path of paths) {
    if (!isPattern(path)) {
      expanded.add(resolve(cwd, path));
      continue;
    }
    const matches: string[] = [];
    for await (const match of glob(path, { cwd })) matches.push(resolve(cwd, match));
    for (const match of matches.sort()) expanded.add(match);
  }
  return [...expanded];
}
