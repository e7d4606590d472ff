/**
 * The `run` command's edge: turns options into real dependencies (logger,
 * fetch, clock, watcher, TLS and proxy settings) and starts the daemon.
 * Telemetry that is off, or has nowhere to go, leaves the process up and idle:
 * a sidecar that exits would be restarted in a loop.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readRsaPrivateKey } from '../lib/private-key.ts';
import { pino } from 'pino';
import type { CliDeps } from './program.ts';
import { systemClock } from '../lib/clock.ts';
import { runDaemon, untilAborted } from '../sidecar/daemon.ts';
import { createLogger } from '../lib/logger.ts';
import type { RunOptions } from './run-options.ts';
import { parseEndpoint } from '../sidecar/send/endpoint.ts';
import { USER_AGENT } from '../lib/version.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import type { FetchLike } from '../sidecar/send/send-report.ts';
import { loadCatalogue } from '../catalogue/load-catalogue.ts';
import { readHostInfo } from '../sidecar/send/host-info.ts';
import { watchConfig } from '../sidecar/config-watcher.ts';
import { requireDefaultConfig } from '../config/find-default-config.ts';
import { getProxyForUrl } from 'proxy-from-env';
import { beforeParsing } from '../sidecar/small-footprint.ts';

async function buildAgent(endpoint: URL, caFile: string | undefined) {
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = await readFile(caFile, 'utf8');
    } catch (error) {
      throw describeFsError(error, caFile, 'CA file');
    }
  }
  // proxy-from-env reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the process environment.
  const proxy = getProxyForUrl(endpoint.href);
  if (!proxy && (endpoint.protocol !== 'https:' || ca === undefined)) return undefined;
  // TLS and proxy code loads only when an agent is needed.
  const tls = ca !== undefined ? { ca: [...(await import('node:tls')).rootCertificates, ca] } : {};
  if (proxy) {
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    return new HttpsProxyAgent(proxy, tls);
  }
  const { Agent: HttpsAgent } = await import('node:https');
  return new HttpsAgent(tls);
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

export async function startDaemonFromCli(options: RunOptions, deps: CliDeps): Promise<number> {
  const logger = createLogger(options.logLevel, pino.destination({ fd: 2, sync: true }));
  if (options.disabledBecause) {
    logger.info({ reason: options.disabledBecause }, 'telemetry is disabled: nothing will be sent; staying up idle');
    await untilAborted(deps.shutdown);
    return 0;
  }
  if (!options.endpoint) {
    logger.warn('no endpoint configured (--endpoint or CONNECT_TELEMETRY_ENDPOINT): nothing will be sent; staying up idle');
    await untilAborted(deps.shutdown);
    return 0;
  }
  const endpoint = parseEndpoint(options.endpoint, options.allowInsecureEndpoint);
  const signingKey = options.signingKey !== undefined ? await readRsaPrivateKey(options.signingKey, '--signing-key', (message) => logger.warn(message)) : undefined;
  // Everything the daemon always needs is imported statically above: in the
  // bundle, each lazy import is a file of its own to find, read and link.
  const agent = await buildAgent(endpoint, options.caFile);
  const catalogue = await loadCatalogue(options.schema);
  let configs = options.configs;
  if (configs.length === 0) {
    const found = await requireDefaultConfig(deps.cwd);
    logger.info({ config: found }, "no --config given: using the config in Connect's default location");
    configs = [found];
  }
  await runDaemon(
    {
      sources: { configs, resources: options.resources },
      stateDir: options.stateDir,
      endpoint,
      delayMs: options.delayMs,
      periodMs: options.periodMs,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      userAgent: USER_AGENT,
      signingKey,
      agent,
    },
    {
      clock: systemClock,
      fetch: lazyFetch,
      logger,
      env: deps.env,
      cwd: deps.cwd,
      catalogue,
      hostInfo: readHostInfo(),
      randomId: randomUUID,
      random: Math.random,
      shutdown: deps.shutdown,
      beforeParsing,
      watch: (targets, onChange, onError) => watchConfig(targets, { onChange, onError, pollIntervalMs: options.pollIntervalMs }),
    },
  );
  logger.info('stopped');
  return 0;
}
