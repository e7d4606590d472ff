/**
 * The sidecar's flags and their environment variables, read once into typed
 * options: the command line is the only place the environment is read for
 * settings. Flags win over variables, variables over defaults.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import type { LogLevel } from '../lib/logger.ts';
import { SCHEDULE_PRESETS, type SchedulePreset } from '../sidecar/schedule.ts';
import type { SidecarOptions } from '../sidecar/start-sidecar.ts';
import { durationFlag, envList, flagOrEnv, isTruthyFlag, logLevelFlag } from './flags.ts';
import type { Env } from '../lib/env.ts';

/** Each flag's variable, for flags that have one. */
export const ENV_VARS = {
  config: 'CONNECT_TELEMETRY_CONFIG',
  resources: 'CONNECT_TELEMETRY_RESOURCES',
  envFile: 'CONNECT_TELEMETRY_ENV_FILE',
  schema: 'CONNECT_TELEMETRY_SCHEMA',
  stateDir: 'CONNECT_TELEMETRY_STATE_DIR',
  endpoint: 'CONNECT_TELEMETRY_ENDPOINT',
  schedule: 'CONNECT_TELEMETRY_SCHEDULE',
  delay: 'CONNECT_TELEMETRY_DELAY',
  period: 'CONNECT_TELEMETRY_PERIOD',
  timeout: 'CONNECT_TELEMETRY_TIMEOUT',
  pollInterval: 'CONNECT_TELEMETRY_POLL_INTERVAL',
  signingKey: 'CONNECT_TELEMETRY_SIGNING_KEY',
  caFile: 'CONNECT_TELEMETRY_CA_FILE',
  allowInsecureEndpoint: 'CONNECT_TELEMETRY_ALLOW_INSECURE_ENDPOINT',
  disableTelemetry: 'CONNECT_TELEMETRY_DISABLED',
  logLevel: 'CONNECT_TELEMETRY_LOG_LEVEL',
} as const;

/** Raw values as commander gives them: undefined when the flag was not given. */
export interface RawOptions {
  config?: string[];
  resources?: string[];
  envFile?: string[];
  observability?: string;
  schema?: string;
  stateDir?: string;
  endpoint?: string;
  schedule?: string;
  delay?: string;
  period?: string;
  timeout?: string;
  pollInterval?: string;
  signingKey?: string;
  caFile?: string;
  allowInsecureEndpoint?: boolean;
  disableTelemetry?: boolean;
  dryRun?: boolean;
  logLevel?: string;
}

export interface RunOptions extends SidecarOptions {
  dryRun: boolean;
}

export function defaultStateDir(env: Env): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(env['HOME'] ?? homedir(), '.local', 'state');
  return join(base, 'connect-telemetry');
}

export function disabledReason(raw: Pick<RawOptions, 'disableTelemetry'>, env: Env): string | undefined {
  if (raw.disableTelemetry) return '--disable-telemetry was given';
  if (isTruthyFlag(env[ENV_VARS.disableTelemetry])) return `${ENV_VARS.disableTelemetry} is set`;
  if (isTruthyFlag(env['DO_NOT_TRACK'])) return 'DO_NOT_TRACK is set';
  return undefined;
}

function schedulePreset(name: string): SchedulePreset {
  if (!Object.hasOwn(SCHEDULE_PRESETS, name)) {
    throw new UserError(`--schedule: "${name}" is not a schedule; use one of ${Object.keys(SCHEDULE_PRESETS).join(', ')}`);
  }
  return SCHEDULE_PRESETS[name as keyof typeof SCHEDULE_PRESETS];
}

/** Delay, period, time limit and poll interval, each checked against its least sensible value. */
function timings(raw: RawOptions, env: Env) {
  const pick = (flag: keyof typeof ENV_VARS, given: string | undefined) => flagOrEnv(given, env, ENV_VARS[flag]);
  const preset = schedulePreset(pick('schedule', raw.schedule) ?? 'default');
  const delayMs = durationFlag('delay', pick('delay', raw.delay) ?? preset.delay);
  const periodMs = durationFlag('period', pick('period', raw.period) ?? preset.period);
  const timeoutMs = durationFlag('timeout', pick('timeout', raw.timeout) ?? '10s');
  const pollIntervalMs = durationFlag('poll-interval', pick('pollInterval', raw.pollInterval) ?? '30s');
  if (periodMs < 1) throw new UserError('--period must be longer than zero');
  if (timeoutMs < 1) throw new UserError('--timeout must be longer than zero');
  if (pollIntervalMs < 10) throw new UserError('--poll-interval must be at least 10ms');
  return { delayMs, periodMs, timeoutMs, pollIntervalMs };
}

/** The paths typed after the command: `run`'s one config, or `streams`' stream paths. */
export interface Positionals {
  config?: string | undefined;
  streams?: string[] | undefined;
}

/**
 * `run <config>` takes one config, as Connect's `run` does, and not beside
 * --config. Returns it, or undefined when none was typed.
 */
export function configArgument(command: string, paths: readonly string[], raw: Pick<RawOptions, 'config'>): string | undefined {
  if (paths.length > 1) {
    throw new UserError(`${command} takes one config, as Connect's run does (got ${paths.length}); for stream configs use: connect-telemetry ${command === 'inspect' ? 'inspect --streams' : 'streams'} <files or directories>`);
  }
  if (paths.length === 1 && raw.config !== undefined) throw new UserError(`give the config either after ${command} or with --config, not both`);
  return paths[0];
}

export function resolveRunOptions(raw: RawOptions, env: Env, positionals: Positionals = {}): RunOptions {
  const pick = (flag: keyof typeof ENV_VARS, given: string | undefined) => flagOrEnv(given, env, ENV_VARS[flag]);
  const logLevel: LogLevel = logLevelFlag(pick('logLevel', raw.logLevel) ?? 'info');
  return {
    configs: positionals.config !== undefined ? [positionals.config] : (raw.config ?? envList(env[ENV_VARS.config]) ?? []),
    resources: raw.resources ?? envList(env[ENV_VARS.resources]) ?? [],
    envFiles: raw.envFile ?? envList(env[ENV_VARS.envFile]) ?? [],
    streams: positionals.streams,
    observability: raw.observability,
    schema: pick('schema', raw.schema),
    stateDir: pick('stateDir', raw.stateDir) ?? defaultStateDir(env),
    endpoint: pick('endpoint', raw.endpoint),
    ...timings(raw, env),
    signingKey: pick('signingKey', raw.signingKey),
    caFile: pick('caFile', raw.caFile),
    allowInsecureEndpoint: raw.allowInsecureEndpoint === true || isTruthyFlag(env[ENV_VARS.allowInsecureEndpoint]),
    disabledBecause: disabledReason(raw, env),
    dryRun: raw.dryRun === true,
    logLevel,
  };
}
