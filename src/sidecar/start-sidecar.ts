/**
 * The sidecar's edge: turns its options into real dependencies (logger,
 * fetch, clock, watcher, TLS and proxy settings) and runs the daemon.
 * Telemetry that is off, or has nowhere to go, leaves the process up and idle:
 * a sidecar that exits would be restarted in a loop by its orchestrator.
 *
 * Everything the daemon always needs is imported statically: in the bundle,
 * each lazy import is a file of its own to find, read and link.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { loadCatalogue } from '../catalogue/load-catalogue.ts';
import { withDefaultConfig } from '../config/find-default-config.ts';
import { systemClock, untilAborted } from '../lib/clock.ts';
import { createLogger, type Logger, type LogLevel } from '../lib/logger.ts';
import { readRsaPrivateKey } from '../lib/private-key.ts';
import { USER_AGENT } from '../lib/version.ts';
import { watchConfig } from './config-watcher.ts';
import { runDaemon, type DaemonDeps, type DaemonSettings } from './daemon.ts';
import { endpointPathWarning, parseEndpoint } from './send/endpoint.ts';
import { readHostInfo } from './send/host-info.ts';
import { buildAgent } from './send/http-agent.ts';
import type { FetchLike } from './send/send-report.ts';
import { beforeParsing } from './small-footprint.ts';
import type { Env } from '../lib/env.ts';

/** What the sidecar is told to do; the command line fills it from flags and variables. */
export interface SidecarOptions {
  /** `run`'s configs (-c, or the path after `run`). */
  configs: string[];
  resources: string[];
  /** Env files (-e) whose variables the configs' `${VAR}` references may use. */
  envFiles: string[];
  /** `streams`' stream paths; undefined for `run`. */
  streams: string[] | undefined;
  /** `streams`' observability config (-o). */
  observability: string | undefined;
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
  logLevel: LogLevel;
}

/**
 * What the process gives the sidecar: its environment (for `${VAR}` in
 * configs, and the proxy variables), directory and stop signal.
 */
export interface SidecarEdge {
  env: Env;
  cwd: string;
  shutdown: AbortSignal;
}

/**
 * node-fetch (and the HTTP, stream and zlib code under it) loads when the
 * first report is sent, not at start: a sidecar spends its first week idle.
 */
let loadedFetch: Promise<FetchLike> | undefined;
const lazyFetch: FetchLike = async (url, init) => {
  loadedFetch ??= import('node-fetch').then((module) => module.default as unknown as FetchLike);
  return (await loadedFetch)(url, init);
};

/** Runs until the shutdown signal; returns the exit code. */
export async function startSidecar(options: SidecarOptions, edge: SidecarEdge): Promise<number> {
  const logger = createLogger(options.logLevel, pino.destination({ fd: 2, sync: true }));
  const idleBecause = options.disabledBecause
    ? { level: 'info' as const, message: 'telemetry is disabled: nothing will be sent; staying up idle', reason: options.disabledBecause }
    : options.endpoint === undefined
      ? { level: 'warn' as const, message: 'no endpoint configured (--endpoint or CONNECT_TELEMETRY_ENDPOINT): nothing will be sent; staying up idle' }
      : undefined;
  if (idleBecause) {
    logger[idleBecause.level](idleBecause.reason ? { reason: idleBecause.reason } : {}, idleBecause.message);
    await untilAborted(systemClock, edge.shutdown);
    return 0;
  }
  const settings = await daemonSettings(options, edge, logger);
  await runDaemon(settings, await daemonDeps(options, edge, logger));
  logger.info('stopped');
  return 0;
}

async function daemonSettings(options: SidecarOptions, { cwd, env }: SidecarEdge, logger: Logger): Promise<DaemonSettings> {
  const endpoint = parseEndpoint(options.endpoint ?? '', options.allowInsecureEndpoint);
  const pathWarning = endpointPathWarning(endpoint);
  if (pathWarning) logger.warn(pathWarning);
  const signingKey = options.signingKey === undefined ? undefined : await readRsaPrivateKey(options.signingKey, '--signing-key', (message) => logger.warn(message));
  const given = { configs: options.configs, resources: options.resources, envFiles: options.envFiles, streams: options.streams, observability: options.observability };
  const { sources, found } = await withDefaultConfig(given, cwd);
  if (found !== undefined) logger.info({ config: found }, "no config given: using the config in Connect's default location");
  return {
    sources,
    stateDir: options.stateDir,
    endpoint,
    delayMs: options.delayMs,
    periodMs: options.periodMs,
    timeoutMs: options.timeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    userAgent: USER_AGENT,
    signingKey,
    agent: await buildAgent(endpoint, options.caFile, env),
  };
}

async function daemonDeps(options: SidecarOptions, edge: SidecarEdge, logger: Logger): Promise<DaemonDeps> {
  return {
    clock: systemClock,
    fetch: lazyFetch,
    logger,
    env: edge.env,
    cwd: edge.cwd,
    catalogue: await loadCatalogue(options.schema),
    hostInfo: readHostInfo(),
    randomId: randomUUID,
    random: Math.random,
    shutdown: edge.shutdown,
    beforeParsing,
    watch: (targets, onChange, onError) => watchConfig(targets, { clock: systemClock, onChange, onError, pollIntervalMs: options.pollIntervalMs }),
  };
}
