/**
 * Reloads the config when the watcher says something may have changed:
 * reloads run one at a time (a burst of events never runs two at once), a
 * failed read is read again once the file has had time to settle (it may
 * have been caught mid-write) and only a failure that lasts is logged, each
 * distinct one once, and the watcher follows what the config resolves to.
 *
 * A reload can fail; the daemon cannot. Every step is caught and logged: an
 * unexpected error leaves the previous summary in place, the chain of
 * reloads usable, and the next report on schedule.
 */
import { resolve } from 'node:path';
import type { Clock } from '../lib/clock.ts';
import type { ConfigMonitor, ReloadOutcome } from '../config/config-monitor.ts';
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

/** The part of the config monitor the reloader uses. */
export type Monitor = Pick<ConfigMonitor, 'reload' | 'resolved'>;

/** A reload's outcome once it counts: a failure only once it has lasted past the settling wait. */
export type SettledOutcome = Exclude<ReloadOutcome, { kind: 'failed' }> | (Extract<ReloadOutcome, { kind: 'failed' }> & { confirmed: true });

export class ConfigReloader {
  private readonly monitor: Monitor;
  private readonly configs: readonly string[];
  private readonly deps: ReloaderDeps;
  private readonly onOutcome: (outcome: SettledOutcome) => void;
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by every reload, so a stale settle wait does nothing. */
  private generation = 0;
  private lastError: string | undefined;
  private watcher: ConfigWatcher | undefined;
  private watchedKey = '';
  private closed = false;

  /** `onOutcome` hears every reload that counts (for what `status` shows). */
  constructor(monitor: Monitor, configs: readonly string[], deps: ReloaderDeps, onOutcome: (outcome: SettledOutcome) => void = () => undefined) {
    this.monitor = monitor;
    this.configs = configs;
    this.deps = deps;
    this.onOutcome = onOutcome;
  }

  /** The files and directories to watch: what the config resolved to (env files included), or what was given. */
  targets(): WatchTargets {
    const resolved = this.monitor.resolved;
    return {
      files: resolved ? [...resolved.files.map((file) => file.path), ...resolved.envFiles] : this.configs.map((path) => resolve(this.deps.cwd, path)),
      directories: resolved?.directories ?? [],
    };
  }

  /** Queues a reload; `confirming` is false for a watcher event, whose failure is read again first. Never rejects. */
  reload(confirming = true): Promise<void> {
    this.chain = this.chain.then(() => this.reloadNow(confirming)).catch((error: unknown) => this.unexpected('a config reload', error));
    return this.chain;
  }

  /** Resolves once every queued reload has run. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async reloadNow(confirming: boolean): Promise<void> {
    if (this.deps.shutdown.aborted || this.closed) return;
    const generation = ++this.generation;
    const outcome = await this.monitor.reload();
    try {
      this.handle(outcome, confirming, generation);
    } finally {
      this.rewatchIfNeeded();
    }
  }

  private handle(outcome: ReloadOutcome, confirming: boolean, generation: number): void {
    const { shutdown, clock, logger } = this.deps;
    if (outcome.kind === 'failed' && !confirming) {
      void clock.sleep(SETTLE_MS, shutdown).then(() => {
        if (generation === this.generation && !shutdown.aborted) void this.reload(true);
      });
      return;
    }
    if (outcome.kind === 'changed') {
      this.lastError = undefined;
      logSummary(logger, outcome.summary);
    } else if (outcome.kind === 'failed' && outcome.error !== this.lastError) {
      this.lastError = outcome.error;
      logger.error({ keptPreviousSummary: outcome.keptPrevious }, `cannot read the config: ${outcome.error}`);
    }
    this.onOutcome(outcome.kind === 'failed' ? { ...outcome, confirmed: true } : outcome);
  }

  private rewatchIfNeeded(): void {
    const targets = this.targets();
    const key = JSON.stringify(targets);
    if (key === this.watchedKey || this.deps.shutdown.aborted || this.closed) return;
    const previous = this.watcher;
    this.watcher = this.deps.watch(targets, () => void this.reload(false), (error) => this.deps.logger.debug({ err: error }, 'watcher error'));
    this.watchedKey = key;
    previous?.close().catch((error: unknown) => this.unexpected('closing the previous watcher', error));
  }

  /**
   * Logs a failure nothing else expected, at error level by its kind only (its
   * message might quote anything), with the whole error at debug level.
   */
  private unexpected(step: string, error: unknown): void {
    try {
      const kind = error instanceof Error ? error.name : typeof error;
      this.deps.logger.error({ error: kind }, `${step} failed unexpectedly; the previous summary is kept and reports go on`);
      this.deps.logger.debug({ err: error }, `${step} failed`);
    } catch {
      // the logger itself is failing: nothing more can be said
    }
  }

  /** Stops watching and reloading, and waits for the reload under way. */
  async close(): Promise<void> {
    this.closed = true;
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close().catch(() => undefined);
    await this.chain;
  }
}
