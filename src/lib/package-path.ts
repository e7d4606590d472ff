/**
 * Where the package's own files are (package.json, bin/, examples/). The
 * running module sits at a different depth below them in src/ (tests),
 * dist/ (the compiled library) and the bundled binary's chunks, so the
 * package root is found by walking up to the nearest package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packagePath(...segments: string[]): string {
  root ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return join(root, ...segments);
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`connect-telemetry cannot find its package.json above ${start}`);
  }
}
