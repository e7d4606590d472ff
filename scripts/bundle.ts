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
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'bundle');

/**
 * Code the command line never runs but its dependencies load at start, each
 * replaced in the bundle by a stand-in that loads the real thing only if it is
 * used. Together they keep some 50 of Node's internal modules out of the
 * daemon (child processes, sockets, worker threads, assert's diffing).
 */
const STAND_INS: { importer: RegExp; path: RegExp; contents: string }[] = [
  // commander spawns a process only for an executable subcommand (we have none).
  {
    importer: /node_modules\/commander\//,
    path: /^(node:)?child_process$/,
    contents: "export default { spawn: (...args) => require('node:child_process').spawn(...args) };",
  },
  // commander's `import process from 'node:process'` and its import from
  // node:util: an ES import of a built-in makes Node build a facade that reads
  // every export, and reading every property of process or util loads the
  // diagnostic report, worker threads, parseArgs and assert's diffing.
  // (ES modules here, as commander is one: CommonJS would be wrapped by
  // esbuild's interop, which also walks every property.)
  { importer: /node_modules\/commander\//, path: /^(node:)?process$/, contents: 'export default process;' },
  {
    importer: /node_modules\/commander\//,
    path: /^(node:)?util$/,
    contents: "export const stripVTControlCharacters = (text) => require('node:util').stripVTControlCharacters(text);",
  },
  // sonic-boom (pino's destination) asserts one argument when it is built.
  {
    importer: /node_modules\/sonic-boom\//,
    path: /^(node:)?assert$/,
    contents: "module.exports = (value, message) => { if (!value) require('node:assert').fail(message); };",
  },
  // pino's transports run in worker threads; the command line logs to stderr directly.
  {
    importer: /node_modules\/pino\/(pino\.js|lib\/tools\.js)$/,
    path: /^\.\/(lib\/)?transport$/,
    contents: "module.exports = () => { throw new Error('pino transports are not part of the connect-telemetry bundle'); };",
  },
  // pino and write-file-atomic ask which thread they run on: the main one, always, for the command line.
  {
    importer: /node_modules\/(pino|write-file-atomic)\//,
    path: /^(node:)?worker_threads$/,
    contents: 'module.exports = { isMainThread: true, threadId: 0 };',
  },
];
const standIns: Plugin = {
  name: 'stand-ins',
  setup(bundle) {
    bundle.onResolve({ filter: /^(node:)?(child_process|assert|worker_threads|process|util)$|^\.\/(lib\/)?transport$/ }, (args) => {
      const index = STAND_INS.findIndex((standIn) => standIn.importer.test(args.importer) && standIn.path.test(args.path));
      return index < 0 ? undefined : { path: `${index}`, namespace: 'stand-in' };
    });
    bundle.onLoad({ filter: /.*/, namespace: 'stand-in' }, (args) => ({ contents: STAND_INS[Number(args.path)]?.contents ?? '', loader: 'js' }));
  },
};

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { 'connect-telemetry': 'src/cli/main.ts' },
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
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;",
  },
  plugins: [standIns],
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
