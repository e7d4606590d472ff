/**
 * Reloads the config when the watcher says something may have changed:
 * reloads run one at a time (a burst of events never runs two at once), a
 * failed read is read again once the file has had time to settle (it may
 * have been caught mid-write) and only a failure that lasts is logged, each
 * distinct one once, and the watcher follows what the config resolves to.
 */
import { resolve } from 'node:path';
import type { Clock } from '../lib/clock.ts';
import type { ConfigMonitor } from '../config/config-monitor.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConfigWatcher, WatchTargets } from './config-watcher.ts';
import { logSummary } from './summary-log.ts';

/** How long a config that failed to read is given to settle before the failure is logged. */
export const SETTLE_MS = 250;

export interface ReloaderDeps {
  clock: Clock;
  logger: Logger;
  shutdown: AbortSignal;
  cwd: string;
  watch: (targets: WatchTargets, onChange: () => void, onError: (error: unknown) => void) => ConfigWatcher;
}

export class ConfigReloader {
  private readonly monitor: ConfigMonitor;
  private readonly configs: readonly string[];
  private readonly deps: ReloaderDeps;
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by every reload, so a stale settle wait does nothing. */
  private generation = 0;
  private lastError: string | undefined;
  private watcher: ConfigWatcher | undefined;
  private watchedKey = '';
  private closed = false;

  constructor(monitor: ConfigMonitor, configs: readonly string[], deps: ReloaderDeps) {
    this.monitor = monitor;
    this.configs = configs;
    this.deps = deps;
  }

  /** The files and directories to watch: what the config resolved to (env files included), or what was given. */
  targets(): WatchTargets {
    const resolved = this.monitor.resolved;
    return {
      files: resolved ? [...resolved.files.map((file) => file.path), ...resolved.envFiles] : this.configs.map((path) => resolve(this.deps.cwd, path)),
      directories: resolved?.directories ?? [],
    };
  }

  /** Queues a reload; `confirming` is false for a watcher event, whose failure is read again first. */
  reload(confirming = true): Promise<void> {
    this.chain = this.chain.then(() => this.reloadNow(confirming));
    return this.chain;
  }

  /** Resolves once every queued reload has run. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async reloadNow(confirming: boolean): Promise<void> {
    const { shutdown, clock, logger } = this.deps;
    if (shutdown.aborted || this.closed) return;
    const generation = ++this.generation;
    const outcome = await this.monitor.reload();
    if (outcome.kind === 'changed') {
      this.lastError = undefined;
      logSummary(logger, outcome.summary);
    } else if (outcome.kind === 'failed' && !confirming) {
      void clock.sleep(SETTLE_MS, shutdown).then(() => {
        if (generation === this.generation && !shutdown.aborted) void this.reload(true);
      });
    } else if (outcome.kind === 'failed' && outcome.error !== this.lastError) {
      this.lastError = outcome.error;
      logger.error({ keptPreviousSummary: outcome.keptPrevious }, `cannot read the config: ${outcome.error}`);
    }
    this.rewatchIfNeeded();
  }

  private rewatchIfNeeded(): void {
    const targets = this.targets();
    const key = JSON.stringify(targets);
    if (key === this.watchedKey || this.deps.shutdown.aborted || this.closed) return;
    this.watchedKey = key;
    const previous = this.watcher;
    this.watcher = this.deps.watch(targets, () => void this.reload(false), (error) => this.deps.logger.debug({ err: error }, 'watcher error'));
    void previous?.close();
  }

  /** Stops watching and reloading, and waits for the reload under way. */
  async close(): Promise<void> {
    this.closed = true;
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close();
    await this.chain.catch(() => undefined);
  }
}
