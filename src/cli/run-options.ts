/**
 * Flags and their environment variables. The environment is read once, here,
 * into typed options; nothing below reads process.env. Flags win over
 * variables, variables over defaults.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../lib/duration.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { LOG_LEVELS, type LogLevel } from '../lib/logger.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Each flag's variable, for flags that have one. */
export const ENV_VARS = {
  config: 'CONNECT_TELEMETRY_CONFIG',
  resources: 'CONNECT_TELEMETRY_RESOURCES',
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

/** Schedules one flag away: ours by default, and the one Benthos used. */
export const SCHEDULES = {
  default: { delay: '7d', period: '1h' },
  benthos: { delay: '5m', period: '24h' },
} as const;

/** Raw values as commander gives them: undefined when the flag was not given. */
export interface RawOptions {
  config?: string[];
  resources?: string[];
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

export interface RunOptions {
  configs: string[];
  resources: string[];
  schema: string | undefined;
  stateDir: string;
  endpoint: string | undefined;
  delayMs: number;
  periodMs: number;
  timeoutMs: number;
  pollIntervalMs: number;
  signingKey: string | undefined;
  caFile: string | undefined;
  allowInsecureEndpoint: boolean;
  /** Why telemetry is off, or undefined when it is on. */
  disabledBecause: string | undefined;
  dryRun: boolean;
  logLevel: LogLevel;
}

/** An opt-out variable is on for any value but empty, `0` or `false`. */
export function isTruthyFlag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalised = value.trim().toLowerCase();
  return normalised !== '' && normalised !== '0' && normalised !== 'false';
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);

export function defaultStateDir(env: Env): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(env['HOME'] ?? homedir(), '.local', 'state');
  return join(base, 'connect-telemetry');
}

function duration(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new UserError(`--${flag}: ${errorMessage(error)}`);
  }
}

export function disabledReason(raw: Pick<RawOptions, 'disableTelemetry'>, env: Env): string | undefined {
  if (raw.disableTelemetry) return '--disable-telemetry was given';
  if (isTruthyFlag(env[ENV_VARS.disableTelemetry])) return `${ENV_VARS.disableTelemetry} is set`;
  if (isTruthyFlag(env['DO_NOT_TRACK'])) return 'DO_NOT_TRACK is set';
  return undefined;
}

export function resolveRunOptions(raw: RawOptions, env: Env): RunOptions {
  const pick = (flag: keyof typeof ENV_VARS, given: string | undefined) => given ?? (env[ENV_VARS[flag]] || undefined);
  const scheduleName = pick('schedule', raw.schedule) ?? 'default';
  if (!(scheduleName in SCHEDULES)) {
    throw new UserError(`--schedule: "${scheduleName}" is not a schedule; use one of ${Object.keys(SCHEDULES).join(', ')}`);
  }
  const schedule = SCHEDULES[scheduleName as keyof typeof SCHEDULES];
  const logLevel = (pick('logLevel', raw.logLevel) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UserError(`--log-level: "${logLevel}" is not a level; use one of ${LOG_LEVELS.join(', ')}`);
  }
  const delayMs = duration('delay', pick('delay', raw.delay) ?? schedule.delay);
  const periodMs = duration('period', pick('period', raw.period) ?? schedule.period);
  const timeoutMs = duration('timeout', pick('timeout', raw.timeout) ?? '10s');
  const pollIntervalMs = duration('poll-interval', pick('pollInterval', raw.pollInterval) ?? '30s');
  if (periodMs < 1) throw new UserError('--period must be longer than zero');
  if (timeoutMs < 1) throw new UserError('--timeout must be longer than zero');
  if (pollIntervalMs < 10) throw new UserError('--poll-interval must be at least 10ms');
  return {
    configs: raw.config ?? list(env[ENV_VARS.config]) ?? [],
    resources: raw.resources ?? list(env[ENV_VARS.resources]) ?? [],
    schema: pick('schema', raw.schema),
    stateDir: pick('stateDir', raw.stateDir) ?? defaultStateDir(env),
    endpoint: pick('endpoint', raw.endpoint),
    delayMs,
    periodMs,
    timeoutMs,
    pollIntervalMs,
    signingKey: pick('signingKey', raw.signingKey),
    caFile: pick('caFile', raw.caFile),
    allowInsecureEndpoint: raw.allowInsecureEndpoint === true || isTruthyFlag(env[ENV_VARS.allowInsecureEndpoint]),
    disabledBecause: disabledReason(raw, env),
    dryRun: raw.dryRun === true,
    logLevel: logLevel as LogLevel,
  };
}
