/**
 * A fleet simulator: payloads built from real configs by the sidecar's own
 * walker, as many instances would send them (send-fleet.ts posts them). It
 * shows sidecars → collector → report end to end without running a fleet.
 *
 * Each simulated instance runs one of the configs (earlier configs more
 * often, as a few pipelines dominate a real fleet), with its own ID, uptime
 * and platform. A seed makes the fleet repeatable.
 */
import { pickWeighted, seededRandom, seededUuid } from '../lib/random.ts';
import type { Catalogue } from '../catalogue/catalogue.ts';
import { allComponents, summarise } from '../config/summarise.ts';
import { buildPayload, type HostInfo, type Payload } from '../sidecar/send/payload.ts';

export interface ConfigFile {
  path: string;
  text: string;
}

export const PLATFORMS: readonly HostInfo[] = [
  { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' },
  { numCpu: 8, goMaxProcs: 8, goArch: 'amd64', goOS: 'linux' },
  { numCpu: 4, goMaxProcs: 4, goArch: 'arm64', goOS: 'linux' },
  { numCpu: 10, goMaxProcs: 10, goArch: 'arm64', goOS: 'darwin' },
  { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'windows' },
];
export const PLATFORM_WEIGHTS = [5, 3, 3, 1, 1];

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
