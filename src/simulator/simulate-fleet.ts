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
import { pickWeighted, seededRandom, seededUuid } from '../lib/random.ts';
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

/** Payloads for `count` instances. Pure: configs, catalogue, seed and clock in. */
export function simulateFleet(configs: readonly ConfigFile[], catalogue: Catalogue, count: number, seed: number, now: number): Payload[] {
  if (configs.length === 0) throw new Error('no configs to simulate');
  // Walked once per config: the same walk the sidecar does.
  const components = configs.map((config) => allComponents(summarise([{ path: config.path, role: 'main', text: config.text }], catalogue, {})));
  const weights = configs.map((_, i) => 1 / (i + 1));
  const random = seededRandom(seed);
  const payloads: Payload[] = [];
  for (let i = 0; i < count; i++) {
    const chosen = pickWeighted(components, weights, random);
    // Uptime spread from a minute to 90 days, evenly on a log scale.
    const uptimeMs = Math.round(60_000 * Math.pow(129_600, random()));
    const host = pickWeighted(PLATFORMS, PLATFORM_WEIGHTS, random);
    payloads.push(buildPayload(chosen, { instanceId: seededUuid(random), firstStartedAt: now - uptimeMs }, now, host));
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
