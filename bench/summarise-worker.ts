/**
 * Times summarising the generated configs against its floor, in a process of
 * its own (run with --expose-gc). The floor reads the same files and parses
 * them with `yaml`, nothing else; the subject is what the daemon does for a
 * reload: resolve the paths, read each file safely, interpolate, parse with
 * the token bound, and walk the components. Prints one JSON line.
 *
 *   node --expose-gc bench/summarise-worker.ts <config path> <runs>
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { bundledCatalogue } from '../dist/catalogue/load-catalogue.js';
import { loadConfigs } from '../dist/config/load-configs.js';
import { resolveConfigFiles } from '../dist/config/resolve-config-files.js';

const [path = '', runsArg = '5'] = process.argv.slice(2);
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

async function subject(): Promise<number> {
  const { summary } = await loadConfigs(sources, process.cwd(), catalogue, {});
  return summary.files.reduce((n: number, file: { components: unknown[] }) => n + file.components.length, 0);
}

async function time(fn: () => unknown): Promise<number> {
  gc();
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

// One warm-up of each, then alternate so that drift hits both alike.
await time(floor);
const components = await subject();
const floorMs: number[] = [];
const subjectMs: number[] = [];
for (let i = 0; i < runs; i++) {
  if (i % 2 === 0) {
    floorMs.push(await time(floor));
    subjectMs.push(await time(subject));
  } else {
    subjectMs.push(await time(subject));
    floorMs.push(await time(floor));
  }
}
process.stdout.write(`${JSON.stringify({ files: files.length, components, floorMs, subjectMs })}\n`);
