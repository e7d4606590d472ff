/**
 * Bundles the command line into dist/bundle/ with esbuild: one file for
 * what every start needs, and a chunk per lazily imported part (the
 * collector, the daemon's HTTP client, the JWT signer…), so a start reads
 * and compiles one module instead of about 150 and loads nothing it does
 * not use. Run by `npm run build` after `tsc`, which type-checks and builds
 * the library in dist/.
 *
 * Why bundle: measured by `npm run bench`, the unbundled daemon spends most
 * of its start in the module loader and keeps its records in memory.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'bundle');

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { 'connect-telemetry': 'src/main.ts' },
  outdir: OUT,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // pg loads pg-native only if asked to; both stay ordinary dependencies.
  external: ['pg', 'pg-native'],
  // Dependencies written as CommonJS (pino, commander, write-file-atomic…)
  // expect require, __filename and __dirname, which an ES module lacks.
  banner: {
    js: [
      "import { createRequire as __bundleRequire } from 'node:module';",
      "import { fileURLToPath as __bundlePath } from 'node:url';",
      'const require = __bundleRequire(import.meta.url);',
      'const __filename = __bundlePath(import.meta.url);',
      "const __dirname = __bundlePath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

// Which source modules went into which file: the benchmark reads it to tell
// which of the project's modules a running daemon has loaded.
writeFileSync(join(ROOT, 'dist', 'bundle.meta.json'), `${JSON.stringify(result.metafile)}\n`);
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
process.stderr.write(`bundle: ${outputs.length} files in dist/bundle, entry ${((entry?.[1].bytes ?? 0) / 1024).toFixed(0)} KiB\n`);
