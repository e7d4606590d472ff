/**
 * The sidecar: wires the config monitor, the state store, the schedule and the
 * sender, and owns shutdown. Every outside effect comes in through `deps`.
 */
import type { Agent } from 'node:http';
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Catalogue } from '../catalogue/catalogue.ts';
import { sleepUntil, type Clock } from '../lib/clock.ts';
import { ConfigMonitor } from '../config/config-monitor.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import { allComponents, type Summary } from '../config/summarise.ts';
import { formatDuration } from '../lib/duration.ts';
import type { Logger } from '../lib/logger.ts';
import type { Env } from '../lib/env.ts';
import { encodeBody } from './send/encode-body.ts';
import { buildPayload, type HostInfo } from './send/payload.ts';
import { nextReportAt, spreadOffsetMs, type ScheduleSettings } from './schedule.ts';
import { sendReport, type FetchLike } from './send/send-report.ts';
import { StateStore, type StateFs } from './state/state-store.ts';
import type { WatchTargets, ConfigWatcher } from './config-watcher.ts';

export interface DaemonSettings extends ScheduleSettings {
  sources: ConfigSources;
  stateDir: string;
  endpoint: URL;
  timeoutMs: number;
  pollIntervalMs: number;
  userAgent: string;
  signingKey?: KeyObject | undefined;
  agent?: Agent | undefined;
}

export interface DaemonDeps {
  clock: Clock;
  fetch: FetchLike;
  logger: Logger;
  env: Env;
  cwd: string;
  catalogue: Catalogue;
  hostInfo: HostInfo;
  randomId: () => string;
  random: () => number;
  shutdown: AbortSignal;
  watch: (targets: WatchTargets, onChange: () => void, onError: (error: unknown) => void) => ConfigWatcher;
  stateFs?: StateFs;
  retryBaseMs?: number;
  /** Told how many bytes of YAML a reload is about to parse. */
  beforeParsing?: (bytes: number) => void;
}

/** How long a config that failed to read is given to settle before the failure is logged. */
const SETTLE_MS = 250;

function countByCategory(summary: Summary): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const component of allComponents(summary)) counts[component.category] = (counts[component.category] ?? 0) + 1;
  return counts;
}

export async function runDaemon(settings: DaemonSettings, deps: DaemonDeps): Promise<void> {
  const { logger, clock, shutdown } = deps;
  const store = await StateStore.open(settings.stateDir, {
    clock,
    randomId: deps.randomId,
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    ...(deps.stateFs ? { fs: deps.stateFs } : {}),
  });
  const monitor = new ConfigMonitor(settings.sources, deps.cwd, deps.catalogue, deps.env, deps.beforeParsing);
  let lastError: string | undefined;
  let watcher: ConfigWatcher | undefined;
  let watchedKey = '';

  // Env files are watched like configs: a changed variable can change the components.
  const targetsOf = (): WatchTargets => ({
    files: monitor.resolved
      ? [...monitor.resolved.files.map((file) => file.path), ...monitor.resolved.envFiles]
      : [...settings.sources.configs, ...(settings.sources.envFiles ?? [])].map((path) => resolve(deps.cwd, path)),
    directories: monitor.resolved?.directories ?? [],
  });

  // Serialise reloads: a burst of events never runs two at once.
  let reloading: Promise<void> = Promise.resolve();
  // A failed read may be a file caught mid-write: read it again once things
  // settle, and log only a failure that lasts (and each distinct one once).
  let settling = 0; // bumped by every reload, so a stale settle wait does nothing
  const reload = (confirming = true) => {
    reloading = reloading.then(async () => {
      if (shutdown.aborted) return;
      const generation = ++settling;
      const outcome = await monitor.reload();
      if (outcome.kind === 'changed') {
        lastError = undefined;
        logger.info({ components: allComponents(outcome.summary).length, files: outcome.summary.files.length, byCategory: countByCategory(outcome.summary) }, 'config summary updated');
        for (const file of outcome.summary.files) {
          if (file.ignoredDocuments > 0) logger.warn({ file: file.path, documents: file.ignoredDocuments + 1 }, 'the file holds several YAML documents; like Connect, only the first is read');
        }
      } else if (outcome.kind === 'failed' && !confirming) {
        void clock.sleep(SETTLE_MS, shutdown).then(() => {
          if (generation === settling && !shutdown.aborted) void reload(true);
        });
      } else if (outcome.kind === 'failed' && outcome.error !== lastError) {
        lastError = outcome.error;
        logger.error({ keptPreviousSummary: outcome.keptPrevious }, `cannot read the config: ${outcome.error}`);
      }
      rewatchIfNeeded();
    });
    return reloading;
  };

  const rewatchIfNeeded = () => {
    const targets = targetsOf();
    const key = JSON.stringify(targets);
    if (key === watchedKey || shutdown.aborted) return;
    watchedKey = key;
    const previous = watcher;
    watcher = deps.watch(targets, () => void reload(false), (error) => logger.debug({ err: error }, 'watcher error'));
    void previous?.close();
  };

  try {
    await reload();
    const state = store.state;
    logger.info(
      {
        watching: targetsOf(),
        stateDir: store.persistent ? settings.stateDir : `${settings.stateDir} (not writable: in memory)`,
        instanceId: state.instanceId,
        endpoint: settings.endpoint.origin + settings.endpoint.pathname,
        delay: formatDuration(settings.delayMs),
        period: formatDuration(settings.periodMs),
        spreadOffset: formatDuration(spreadOffsetMs(state.instanceId, settings)),
        nextReportAt: new Date(nextReportAt(state, settings)).toISOString(),
        signed: settings.signingKey !== undefined,
      },
      'watching the config; reports are scheduled',
    );

    while (!shutdown.aborted) {
      const due = nextReportAt(store.state, settings);
      await sleepUntil(clock, due, shutdown);
      if (shutdown.aborted) break;
      await reloading;
      await report(monitor.summary);
    }
  } finally {
    await watcher?.close();
    await reloading.catch(() => undefined);
    await store.close();
  }

  async function report(summary: Summary | undefined): Promise<void> {
    const started = clock.now();
    if (!summary) {
      logger.warn('no readable config yet; this report is skipped and the next one is scheduled');
      await store.save({ ...store.state, lastReport: { at: started, outcome: 'failed' } });
      return;
    }
    const payload = buildPayload(allComponents(summary), store.state, started, deps.hostInfo);
    const body = await encodeBody(payload, settings.signingKey);
    logger.debug({ payload }, 'sending report');
    const result = await sendReport(
      body,
      { endpoint: settings.endpoint, timeoutMs: settings.timeoutMs, userAgent: settings.userAgent, agent: settings.agent, deadline: started + settings.periodMs },
      {
        fetch: deps.fetch,
        clock,
        random: deps.random,
        ...(deps.retryBaseMs !== undefined ? { retryBaseMs: deps.retryBaseMs } : {}),
        onRetry: (info) => logger.info({ attempt: info.attempt, retryInMs: info.delayMs }, `report attempt failed (${info.reason}); retrying`),
      },
      shutdown,
    );
    if (shutdown.aborted && result.outcome === 'failed') return; // not an outcome: the next start tries again
    const fields = { outcome: result.outcome, status: result.status, attempts: result.attempts, durationMs: clock.now() - started, components: payload.components.length };
    if (result.outcome === 'sent') logger.info(fields, 'report sent');
    else logger.warn({ ...fields, error: result.error }, 'report failed; dropped until the next period');
    await store.save({
      ...store.state,
      lastReport: { at: clock.now(), outcome: result.outcome, ...(result.status !== undefined ? { status: result.status } : {}) },
    });
  }
}
