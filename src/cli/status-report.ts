/**
 * What `status` prints: the state directory's identity and daemon (read by
 * readDirectoryStatus), with telemetry, schedule and endpoint resolved in this
 * order: flags given to `status`, then what the running daemon recorded, then
 * the environment `status` runs in (which is only a guess at a daemon's own),
 * then the defaults.
 */
import { systemClock } from '../lib/clock.ts';
import { formatDuration } from '../lib/duration.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Env } from '../lib/env.ts';
import { PROBLEM_WORDS } from '../sidecar/config-problem.ts';
import { readDirectoryStatus, type DirectoryStatus, type HolderStatus } from '../sidecar/daemon-status.ts';
import { nextReportAt, type ScheduleSettings } from '../sidecar/schedule.ts';
import { parseEndpoint } from '../sidecar/send/endpoint.ts';
import { disabledReason, resolveRunOptions, ENV_VARS, type RawOptions } from './run-options.ts';

export interface StatusOutput {
  env: Env;
  json: boolean;
  stdout: (text: string) => void;
  now?: () => number;
}

/** Where a value shown came from. */
type Source = 'flags' | 'daemon' | 'environment' | 'defaults';

interface Telemetry {
  enabled: boolean;
  /** Why it is off, or null when on. */
  reason: string | null;
  endpointHost: string | null;
  source: Source;
}

/** The endpoint as run would take it: its host, or why run would refuse it. */
function endpointVerdict(text: string, allowInsecure: boolean): { host: string } | { refused: string } {
  try {
    return { host: parseEndpoint(text, allowInsecure).host };
  } catch (error) {
    return { refused: `run would refuse the endpoint: ${errorMessage(error).replace(/^--endpoint: /, '')}` };
  }
}

function fromEndpoint(text: string, allowInsecure: boolean, source: Source): Telemetry {
  const verdict = endpointVerdict(text, allowInsecure);
  return 'host' in verdict ? { enabled: true, reason: null, endpointHost: verdict.host, source } : { enabled: false, reason: verdict.refused, endpointHost: null, source };
}

function telemetryOf(raw: RawOptions, env: Env, holder: HolderStatus): Telemetry {
  const allowInsecure = raw.allowInsecureEndpoint === true || resolveRunOptions({}, env).allowInsecureEndpoint;
  if (raw.disableTelemetry) return { enabled: false, reason: '--disable-telemetry was given', endpointHost: null, source: 'flags' };
  if (raw.endpoint !== undefined) return fromEndpoint(raw.endpoint, allowInsecure, 'flags');
  // A daemon holds the lock only while it reports: one that is off stays idle without it.
  if (holder.running) return { enabled: true, reason: null, endpointHost: holder.record?.endpointHost ?? null, source: 'daemon' };
  const off = disabledReason({}, env);
  if (off) return { enabled: false, reason: off, endpointHost: null, source: 'environment' };
  const endpoint = env[ENV_VARS.endpoint];
  if (endpoint) return fromEndpoint(endpoint, allowInsecure, 'environment');
  return { enabled: false, reason: 'no endpoint is configured', endpointHost: null, source: 'defaults' };
}

/**
 * Each of delay and period: a flag for it (or --schedule) given to status
 * wins; else the running daemon's; else status's environment and the defaults.
 */
function scheduleOf(raw: RawOptions, env: Env, holder: HolderStatus): ScheduleSettings & { source: Source } {
  const flags: RawOptions = { ...(raw.schedule ? { schedule: raw.schedule } : {}), ...(raw.delay ? { delay: raw.delay } : {}), ...(raw.period ? { period: raw.period } : {}) };
  const fromFlags = resolveRunOptions(flags, {});
  const fromEnv = resolveRunOptions({}, env);
  const record = holder.running ? holder.record : undefined;
  const pick = (flagged: boolean, key: 'delayMs' | 'periodMs') => (flagged ? fromFlags[key] : (record?.[key] ?? fromEnv[key]));
  const delayFlagged = raw.delay !== undefined || raw.schedule !== undefined;
  const periodFlagged = raw.period !== undefined || raw.schedule !== undefined;
  const envGiven = [ENV_VARS.schedule, ENV_VARS.delay, ENV_VARS.period].some((name) => env[name]);
  const source: Source = delayFlagged || periodFlagged ? 'flags' : record ? 'daemon' : envGiven ? 'environment' : 'defaults';
  return { delayMs: pick(delayFlagged, 'delayMs'), periodMs: pick(periodFlagged, 'periodMs'), source };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function configOf(holder: HolderStatus) {
  const reload = holder.running ? holder.record?.lastReload : undefined;
  if (!reload) return { status: 'unknown' as const, problem: null, description: null, since: null, lastReloadAt: null, components: null, reportsCarry: null };
  const failing = reload.outcome === 'failed';
  return {
    status: failing ? ('failing' as const) : ('ok' as const),
    problem: reload.problem ?? null,
    description: reload.problem ? PROBLEM_WORDS[reload.problem] : null,
    since: failing ? iso(reload.failingSince ?? reload.at) : null,
    lastReloadAt: iso(reload.at),
    components: reload.components ?? null,
    reportsCarry: !failing ? 'the current summary' : holder.record?.hasSummary ? 'the last good summary' : 'nothing: no report is sent until the config can be read',
  };
}

export function statusReport(stateDir: string, directory: DirectoryStatus, raw: RawOptions, env: Env, now: number) {
  const { state, holder } = directory;
  const telemetry = telemetryOf(raw, env, holder);
  const schedule = scheduleOf(raw, env, holder);
  return {
    stateDir,
    daemon: { running: holder.running, reason: holder.why, pid: holder.pid ?? null, host: holder.host ?? null, since: iso(holder.since) },
    instanceId: state?.instanceId ?? null,
    firstStartedAt: iso(state?.firstStartedAt),
    uptimeSeconds: state ? Math.max(0, Math.floor((now - state.firstStartedAt) / 1000)) : null,
    schedule: { delay: formatDuration(schedule.delayMs), period: formatDuration(schedule.periodMs), source: schedule.source },
    nextReportAt: state && telemetry.enabled ? iso(nextReportAt(state, schedule)) : null,
    lastReport: state?.lastReport ? { at: iso(state.lastReport.at), outcome: state.lastReport.outcome, status: state.lastReport.status ?? null } : null,
    telemetry: { enabled: telemetry.enabled, reason: telemetry.reason },
    endpointHost: telemetry.endpointHost,
    telemetrySource: telemetry.source,
    config: configOf(holder),
    problem: state ? null : directory.stateProblem,
  };
}

export type StatusReport = ReturnType<typeof statusReport>;

const SOURCE_WORDS: Readonly<Record<Source, string>> = {
  flags: 'as given to status',
  daemon: 'as the running daemon has it',
  environment: "from status's environment; no daemon is running",
  defaults: 'the default; no daemon is running',
};

function daemonLine(report: StatusReport): string {
  const { daemon } = report;
  return daemon.running ? `running (pid ${daemon.pid ?? '?'} on ${daemon.host ?? '?'}, since ${daemon.since ?? '?'})` : `not running (${daemon.reason})`;
}

function telemetryLine(report: StatusReport): string {
  const source = SOURCE_WORDS[report.telemetrySource];
  if (!report.telemetry.enabled) return `disabled (${report.telemetry.reason}; ${source})`;
  return `enabled (${report.endpointHost ? `reports go to ${report.endpointHost}` : 'reporting'}; ${source})`;
}

function configLine(report: StatusReport): string {
  const { config } = report;
  if (config.status === 'unknown') return report.daemon.running ? 'unknown (the running daemon does not record it)' : 'unknown (no daemon is running)';
  if (config.status === 'ok') return `ok${config.components !== null ? `, ${config.components} components` : ''} (last reloaded ${config.lastReloadAt})`;
  return `FAILING since ${config.since}: ${config.description} (${config.problem}); reports carry ${config.reportsCarry}`;
}

export function formatStatus(report: StatusReport, now: number): string {
  const lines = [`state directory:  ${report.stateDir}`, `daemon:           ${daemonLine(report)}`, `telemetry:        ${telemetryLine(report)}`];
  lines.push(report.instanceId ? `instance ID:      ${report.instanceId}` : `instance ID:      none (${report.problem})`);
  if (report.firstStartedAt !== null && report.uptimeSeconds !== null) {
    lines.push(`first started:    ${report.firstStartedAt}`, `uptime:           ${formatDuration(Math.max(0, now - Date.parse(report.firstStartedAt)))}`);
  }
  lines.push(`schedule:         first report at ${report.schedule.delay} of uptime, then every ${report.schedule.period} (${SOURCE_WORDS[report.schedule.source]})`);
  if (report.nextReportAt) {
    const due = Date.parse(report.nextReportAt);
    const when = due > now ? `in ${formatDuration(due - now)}` : 'now';
    lines.push(`next report due:  ${report.nextReportAt} (${report.daemon.running ? when : `${when}, once a daemon runs`})`);
  }
  if (report.instanceId) {
    const last = report.lastReport;
    lines.push(`last report:      ${last ? `${last.at} ${last.outcome}${last.status ? ` (HTTP ${last.status})` : ''}` : 'none yet'}`);
  }
  lines.push(`config:           ${configLine(report)}`);
  return lines.join('\n') + '\n';
}

export async function showStatus(raw: RawOptions, output: StatusOutput): Promise<void> {
  const stateDir = resolveRunOptions({ ...(raw.stateDir ? { stateDir: raw.stateDir } : {}) }, output.env).stateDir;
  const now = (output.now ?? Date.now)();
  const directory = await readDirectoryStatus(stateDir, { clock: systemClock });
  const report = statusReport(stateDir, directory, raw, output.env, now);
  output.stdout(output.json ? JSON.stringify(report, null, 2) + '\n' : formatStatus(report, now));
}
