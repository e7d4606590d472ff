/**
 * A fleet simulator: payloads built from real configs by the sidecar's own
 * walker, as many instances would send them, posted to a collector. It shows
 * sidecars → collector → report end to end without running a fleet.
 *
 * Each simulated instance runs one of the configs (earlier configs more
 * often, as a few pipelines dominate a real fleet), with its own ID, uptime
 * and platform. A seed makes the fleet repeatable.
 */
import type { KeyObject } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../lib/package-path.ts';
import { SignJWT } from 'jose';
import type { Catalogue } from '../catalogue/catalogue.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { allComponents, summarise } from '../config/summarise.ts';
import { buildPayload, type HostInfo, type Payload } from '../sidecar/send/payload.ts';

export interface ConfigFile {
  path: string;
  text: string;
}

const PLATFORMS: readonly HostInfo[] = [
  { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' },
  { numCpu: 8, goMaxProcs: 8, goArch: 'amd64', goOS: 'linux' },
  { numCpu: 4, goMaxProcs: 4, goArch: 'arm64', goOS: 'linux' },
  { numCpu: 10, goMaxProcs: 10, goArch: 'arm64', goOS: 'darwin' },
  { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'windows' },
];
const PLATFORM_WEIGHTS = [5, 3, 3, 1, 1];

/** mulberry32: a small seeded generator, so a seed gives the same fleet every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(items: readonly T[], weights: readonly number[], random: () => number): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

/** A version-4 UUID drawn from the seeded generator. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Payloads for `count` instances. Pure: configs, catalogue, seed and clock in. */
export function simulateFleet(configs: readonly ConfigFile[], catalogue: Catalogue, count: number, seed: number, now: number): Payload[] {
  if (configs.length === 0) throw new Error('no configs to simulate');
  // Walked once per config: the same walk the sidecar does.
  const components = configs.map((config) => allComponents(summarise([{ path: config.path, role: 'main', text: config.text }], catalogue, {})));
  const weights = configs.map((_, i) => 1 / (i + 1));
  const random = seededRandom(seed);
  const payloads: Payload[] = [];
  for (let i = 0; i < count; i++) {
    const chosen = pick(components, weights, random);
    // Uptime spread from a minute to 90 days, evenly on a log scale.
    const uptimeMs = Math.round(60_000 * Math.pow(129_600, random()));
    const host = pick(PLATFORMS, PLATFORM_WEIGHTS, random);
    payloads.push(buildPayload(chosen, { instanceId: uuid(random), firstStartedAt: now - uptimeMs }, now, host));
  }
  return payloads;
}

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

export interface SendOutcome {
  /** Count per HTTP status (0: no answer). */
  statuses: Record<number, number>;
}

/** Posts payloads with at most `concurrency` requests at once; JWTs when given a private key. */
export async function sendFleet(
  payloads: readonly Payload[],
  endpoint: string,
  options: { concurrency: number; signingKey?: KeyObject | undefined; fetch?: typeof fetch },
): Promise<SendOutcome> {
  const send = options.fetch ?? fetch;
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const payload = payloads[next++] as Payload;
      let status = 0;
      try {
        const body = options.signingKey
          ? await new SignJWT({ ...payload }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(options.signingKey)
          : JSON.stringify(payload);
        const response = await send(endpoint, { method: 'POST', headers: { 'content-type': options.signingKey ? 'text/plain' : 'application/json' }, body });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return { statuses };
}
