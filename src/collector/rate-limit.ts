/**
 * An optional limit of one stored report per instance ID per interval, so one
 * misbehaving or hostile sender cannot flood the store. The slot is taken
 * before storing (two reports of one instance arriving together cannot both
 * pass) and given back when nothing was stored. Memory is bounded: past
 * MAX_TRACKED instance IDs the least recently seen are forgotten, which can
 * only ever let a report through, never hold a real one back.
 */
import { LRUCache } from 'lru-cache';

export const MAX_TRACKED = 100_000;

export type Slot = { ok: true; giveBack: () => void } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  take(instanceId: string, now: number): Slot;
}

export function createRateLimiter(intervalMs: number, maxTracked = MAX_TRACKED): RateLimiter {
  const lastStored = new LRUCache<string, number>({ max: maxTracked });
  return {
    take(instanceId, now) {
      const last = lastStored.get(instanceId);
      if (last !== undefined && now - last < intervalMs) return { ok: false, retryAfterMs: intervalMs - (now - last) };
      lastStored.set(instanceId, now);
      return {
        ok: true,
        giveBack: () => {
          if (lastStored.peek(instanceId) !== now) return;
          if (last === undefined) lastStored.delete(instanceId);
          else lastStored.set(instanceId, last);
        },
      };
    },
  };
}
