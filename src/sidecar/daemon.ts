/**
 * The sidecar: wires the config monitor, the state store, the schedule and the
 * sender, and owns shutdown. Every outside effect comes in through `deps`.
 */
import { sleepUntil, untilAborted } from '../lib/clock.ts';
import { ConfigMonitor } from '../config/config-monitor.ts';
import { formatDuration } from '../lib/duration.ts';
import { nextReportAt, spreadOffsetMs } from './schedule.ts';
import { reportOnce } from './report-once.ts';
import { StateStore } from './state/state-store.ts';
import { ConfigReloader } from './config-reloader.ts';
import type { DaemonDeps, DaemonSettings } from './daemon-settings.ts';
import { afterReload, type DaemonRecord } from './daemon-record.ts';

export type { DaemonDeps, DaemonSettings } from './daemon-settings.ts';

export async function runDaemon(settings: DaemonSettings, deps: DaemonDeps): Promise<void> {
  const { logger, clock, shutdown } = deps;
  // Stops the report loop on shutdown, or once another daemon has taken the lock.
  const stopReporting = new AbortController();
  const onShutdown = () => stopReporting.abort();
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const store = await StateStore.open(settings.stateDir, {
    clock,
    randomId: deps.randomId,
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    onLockLost: (holder) => {
      logger.error({ stateDir: settings.stateDir, holder }, LOCK_LOST);
      stopReporting.abort();
    },
    ...(deps.stateFs ? { fs: deps.stateFs } : {}),
  });
  const monitor = new ConfigMonitor(settings.sources, deps.cwd, deps.catalogue, deps.env, deps.beforeParsing);
  let record: DaemonRecord = { delayMs: settings.delayMs, periodMs: settings.periodMs, endpointHost: settings.endpoint.host, hasSummary: false };
  // Env files are watched like configs: a changed variable can change the components.
  const reloader = new ConfigReloader(monitor, [...settings.sources.configs, ...(settings.sources.envFiles ?? [])], deps, (outcome) => {
    record = afterReload(record, outcome, clock.now());
    void store.describe(record);
  });
  try {
    await reloader.reload();
    logger.info(startFields(settings, store, reloader), 'watching the config; reports are scheduled');
    if (!monitor.summary) logger.error({ problem: record.lastReload?.problem }, NO_CONFIG_AT_START);
    await reportOnSchedule(monitor, store, reloader, settings, { ...deps, shutdown: stopReporting.signal });
    await reloader.close();
    // A daemon that lost its lock stays up, idle, so its orchestrator does
    // not restart it in a loop; the log line above says what to do.
    await untilAborted(clock, shutdown);
  } finally {
    shutdown.removeEventListener('abort', onShutdown);
    await reloader.close();
    await store.close();
  }
}

const NO_CONFIG_AT_START =
  'started without a readable config: no report is sent until it can be read; the daemon stays up and watches for it (see the error above; `status` shows it too)';
const LOCK_LOST =
  'another connect-telemetry has taken the lock of the state directory: this daemon stops reporting, so the two never share one identity; ' +
  'stop one of them, and give each daemon its own --state-dir';

/** Sends a report each time one is due, until `deps.shutdown` aborts. A report that fails unexpectedly is logged and the schedule moves on. */
async function reportOnSchedule(monitor: ConfigMonitor, store: StateStore, reloader: ConfigReloader, settings: DaemonSettings, deps: DaemonDeps): Promise<void> {
  while (!deps.shutdown.aborted) {
    await sleepUntil(deps.clock, nextReportAt(store.state, settings), deps.shutdown);
    if (deps.shutdown.aborted) return;
    await reloader.settled();
    try {
      await reportOnce(monitor.summary, store, settings, deps);
    } catch (error) {
      deps.logger.error({ error: error instanceof Error ? error.name : typeof error }, 'a report failed unexpectedly; the next one is scheduled');
      deps.logger.debug({ err: error }, 'report failed');
      await store.save({ ...store.state, lastReport: { at: deps.clock.now(), outcome: 'failed' } });
    }
  }
}

/** The start line: where the daemon watches and keeps its identity, and when it reports. */
function startFields(settings: DaemonSettings, store: StateStore, reloader: ConfigReloader): Record<string, unknown> {
  const { state } = store;
  return {
    watching: reloader.targets(),
    stateDir: store.persistent ? settings.stateDir : `${settings.stateDir} (not writable: in memory)`,
    instanceId: state.instanceId,
    endpoint: settings.endpoint.origin + settings.endpoint.pathname,
    delay: formatDuration(settings.delayMs),
    period: formatDuration(settings.periodMs),
    spreadOffset: formatDuration(spreadOffsetMs(state.instanceId, settings)),
    nextReportAt: new Date(nextReportAt(state, settings)).toISOString(),
    signed: settings.signingKey !== undefined,
  };
}
