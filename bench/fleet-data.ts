/**
 * Large fleets for the report benchmark, written through a store's own write
 * path in bulk (store() in chunks, which the store commits in batches of its
 * own), not over HTTP. Seeded: every run writes the same fleet.
 *
 * A fleet shares component sets as a real one does: DISTINCT_SETS sets of
 * 12 to 24 plugins drawn from the bundled catalogue (with Connect's defaults),
 * and instances pick them with long-tailed (Zipf) weights.
 */
import type { Category } from '../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../src/catalogue/load-catalogue.ts';
import type { Storage } from '../src/collector/storage/storage.ts';
import type { Report, ReportComponent } from '../src/collector/validate-report.ts';
import { seededRandom, seededUuid } from '../src/lib/random.ts';

export const DAY = 86_400_000;
export const DISTINCT_SETS = 2000;
const CHUNK = 20_000;

function componentSets(random: () => number, count: number): ReportComponent[][] {
  const catalogue = bundledCatalogue();
  const pick = (category: Category) => {
    const names = catalogue.componentsOf(category);
    // Long-tailed within a category too: a few plugins are everywhere.
    return names[Math.floor(random() ** 3 * names.length)] as string;
  };
  const sets: ReportComponent[][] = [];
  for (let i = 0; i < count; i++) {
    const size = 12 + Math.floor(random() * 13);
    const set: ReportComponent[] = [{ type: 'input', name: pick('input') }, { type: 'buffer', name: 'none' }, { type: 'metrics', name: 'prometheus' }, { type: 'tracer', name: 'none' }];
    while (set.length < size - 1) set.push({ type: 'processor', name: pick('processor') });
    set.push({ type: 'output', name: pick('output') });
    if (random() < 0.4) set.push({ type: 'cache', name: pick('cache') });
    sets.push(set);
  }
  return sets;
}

export interface FleetShape {
  instances: number;
  /** Reports per instance, spread evenly over `spreadMs` ending at `now` (the latest exactly at now minus a jitter below an hour). */
  reportsPerInstance: number;
  spreadMs: number;
  now: number;
  seed: number;
}

/** Writes the fleet; returns the reports written. */
export async function fillFleet(storage: Storage, shape: FleetShape): Promise<number> {
  const random = seededRandom(shape.seed);
  const sets = componentSets(random, DISTINCT_SETS);
  const weights = sets.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => ((cumulative[i] = (sum + w) / total), sum + w), 0);
  const pickSet = () => {
    const r = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return sets[lo] as ReportComponent[];
  };
  const hosts = [
    { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' },
    { numCpu: 8, goMaxProcs: 8, goArch: 'arm64', goOS: 'linux' },
    { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'windows' },
  ];
  const step = shape.reportsPerInstance > 1 ? shape.spreadMs / (shape.reportsPerInstance - 1) : 0;
  // The instances first; then their reports round by round, oldest first, as
  // a collector receives them (so the time index grows at its end, as in life).
  const fleet = Array.from({ length: shape.instances }, (_, i) => ({
    id: seededUuid(random),
    components: pickSet(),
    host: hosts[i % hosts.length] as Report['host'],
    last: shape.now - Math.floor(random() * 3_600_000),
    uptime: Math.floor(60 * 129_600 ** random()),
  }));
  let pending: Promise<unknown>[] = [];
  let written = 0;
  for (let n = shape.reportsPerInstance - 1; n >= 0; n--) {
    for (const { id, components, host, last, uptime } of fleet) {
      const at = last - Math.round(n * step);
      pending.push(storage.store({ id, uptime: Math.max(0, uptime - Math.round((n * step) / 1000)), components, host }, at));
      written++;
      if (pending.length >= CHUNK) {
        await Promise.all(pending);
        pending = [];
      }
    }
  }
  await Promise.all(pending);
  return written;
}
