/**
 * Times summarising the generated configs, in a process of its own (run with
 * --expose-gc), in one of two modes:
 *
 * - `floor`: read the same files and parse them with `yaml`, nothing else,
 *   in a plain Node process;
 * - `daemon`: what the daemon does for a reload, under the daemon's own V8
 *   settings (src/sidecar/small-footprint.ts): a config monitor with an empty cache
 *   resolves the paths, reads each file with the size cap, hashes it,
 *   interpolates, parses with the token bound and walks the components.
 *
 * One warm-up, then `runs` timed runs. Prints one JSON line.
 *
 *   node --expose-gc bench/summarise-worker.ts <floor|daemon> <config path> <runs>
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { bundledCatalogue } from '../src/catalogue/load-catalogue.ts';
import { ConfigMonitor } from '../src/config/config-monitor.ts';
import { resolveConfigFiles } from '../src/config/resolve-config-files.ts';
import { beforeParsing, isSmallFootprint, preferSmallFootprint } from '../src/sidecar/small-footprint.ts';

const [mode = '', path = '', runsArg = '3'] = process.argv.slice(2);
if (mode !== 'floor' && mode !== 'daemon') throw new Error(`mode must be floor or daemon, not ${mode}`);
const runs = Number(runsArg);
const catalogue = bundledCatalogue();
const sources = { configs: [path], resources: [] };
const files: string[] = (await resolveConfigFiles(sources, process.cwd())).files.map((file: { path: string }) => file.path);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function floor(): number {
  let count = 0;
  for (const file of files) {
    const tree = parse(readFileSync(file, 'utf8'));
    if (tree) count++;
  }
  return count;
}

async function daemonReload(): Promise<number> {
  const monitor = new ConfigMonitor(sources, process.cwd(), catalogue, {}, beforeParsing);
  const outcome = await monitor.reload();
  if (outcome.kind !== 'changed') throw new Error(`reload did not summarise: ${JSON.stringify(outcome)}`);
  return outcome.summary.files.reduce((n: number, file: { components: unknown[] }) => n + file.components.length, 0);
}

if (mode === 'daemon') preferSmallFootprint();
const subject = mode === 'floor' ? floor : daemonReload;
// The warm-up; the daemon's reload returns the number of components found.
const warmUp = await subject();
const components = mode === 'daemon' ? warmUp : undefined;
const ms: number[] = [];
for (let i = 0; i < runs; i++) {
  gc();
  const started = performance.now();
  await subject();
  ms.push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify({ mode, files: files.length, components, ms, smallFootprint: isSmallFootprint() })}\n`);
