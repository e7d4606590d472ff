/**
 * A fleet over time, for trends: instances join throughout the history
 * (the fleet grows), each reports every `periodMs` until now, and adoption
 * drifts: the configs' weights move from favouring the first configs (1,
 * 1/4, 1/9, …) to favouring the last, and half of the instances switch
 * config once, to one drawn at that moment. So plugins of the last configs
 * grow and those only in the first ones decline. Pure: configs, catalogue,
 * seed and clock in; reports with their time of receipt out, oldest first.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ComponentRef } from '../config/walk-components.ts';
import { allComponents, summarise } from '../config/summarise.ts';
import { pickWeighted, seededRandom, seededUuid } from '../lib/random.ts';
import { buildPayload, type Payload } from '../sidecar/send/payload.ts';
import { PLATFORM_WEIGHTS, PLATFORMS, type ConfigFile } from './simulate-fleet.ts';

export interface HistoryOptions {
  instances: number;
  historyMs: number;
  periodMs: number;
  seed: number;
  now: number;
}

export interface TimedPayload {
  payload: Payload;
  receivedAt: number;
}

/** The configs' weights at `progress` (0 at the start of the history, 1 now). */
const weightsAt = (count: number, progress: number) => Array.from({ length: count }, (_, i) => (1 - progress) / (i + 1) ** 2 + progress / (count - i) ** 2);

export function simulateHistory(configs: readonly ConfigFile[], catalogue: Catalogue, options: HistoryOptions): TimedPayload[] {
  if (configs.length === 0) throw new Error('no configs to simulate');
  const components: ComponentRef[][] = configs.map((config) => allComponents(summarise([{ path: config.path, role: 'main', text: config.text }], catalogue, {})));
  const random = seededRandom(options.seed);
  const start = options.now - options.historyMs;
  const pick = (at: number) => pickWeighted(components, weightsAt(components.length, (at - start) / options.historyMs), random);
  const out: TimedPayload[] = [];
  for (let i = 0; i < options.instances; i++) {
    const joined = start + Math.floor(random() * options.historyMs);
    const identity = { instanceId: seededUuid(random), firstStartedAt: joined - Math.floor(random() * 3_600_000) };
    const host = pickWeighted(PLATFORMS, PLATFORM_WEIGHTS, random);
    const switchAt = random() < 1 / 2 ? joined + Math.floor(random() * (options.now - joined)) : Number.POSITIVE_INFINITY;
    let chosen = pick(joined);
    let switched = false;
    for (let at = joined; at <= options.now; at += options.periodMs) {
      if (!switched && at >= switchAt) {
        chosen = pick(at);
        switched = true;
      }
      out.push({ payload: buildPayload(chosen, identity, at, host), receivedAt: at });
    }
  }
  return out.sort((a, b) => a.receivedAt - b.receivedAt);
}
