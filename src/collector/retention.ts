/**
 * `collect --retain`: prunes in the background, on the collector's own
 * schedule, so the store does not grow for ever. Each pass deletes reports
 * received longer ago than the retention period (an instance seen since
 * keeps its latest report; one not seen since goes with them) and forgets
 * replay digests that expired. Without --retain, only expired digests are
 * forgotten. The store prunes a short batch per transaction, so reports
 * keep being stored while a pass runs; a failed pass is logged and retried
 * at the next one.
 */
import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Storage } from './storage/storage.ts';

export interface RetentionOptions {
  /** Reports older than this are pruned; undefined keeps every report. */
  retainMs: number | undefined;
  /** Time from start to the first pass, and between passes. */
  firstPassMs: number;
  intervalMs: number;
}

export const DEFAULT_RETENTION_SCHEDULE = { firstPassMs: 60_000, intervalMs: 10 * 60_000 };

export interface Retention {
  /** Stops the schedule and waits for a pass in progress to end. */
  stop(): Promise<void>;
}

export function startRetention(storage: Storage, options: RetentionOptions, deps: { clock: Clock; logger: Logger }): Retention {
  const { clock, logger } = deps;
  const stopping = new AbortController();
  const pass = async () => {
    const now = clock.now();
    const before = options.retainMs === undefined ? undefined : now - options.retainMs;
    try {
      const counts = await storage.prune({ before, now, signal: stopping.signal });
      const level = counts.reports + counts.instances + counts.activity + counts.tokens > 0 ? 'info' : 'debug';
      logger[level]({ ...counts, before: before === undefined ? null : new Date(before).toISOString() }, 'pruned');
    } catch (error) {
      logger.warn({ reason: errorMessage(error) }, 'pruning failed; trying again at the next pass');
    }
  };
  const loop = (async () => {
    await clock.sleep(options.firstPassMs, stopping.signal);
    while (!stopping.signal.aborted) {
      await pass();
      await clock.sleep(options.intervalMs, stopping.signal);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
