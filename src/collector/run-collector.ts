/**
 * The collector's edge, run by `collect`: reads the public keys and the
 * catalogues, opens the store (PostgreSQL with a deadline on every
 * statement), listens (with the dashboard when asked), prunes in the
 * background, and runs until the shutdown signal; then drains requests in
 * flight and commits what is pending.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bundledCatalogue, loadCatalogue } from '../catalogue/load-catalogue.ts';
import { systemClock } from '../lib/clock.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { createLogger, type LogLevel } from '../lib/logger.ts';
import { DEFAULT_CLOCK_SKEW_MS } from './check-token-times.ts';
import { knownPlugins, type KnownPluginSet } from './known-plugins.ts';
import { reportUrlFor } from './report-url.ts';
import { DEFAULT_RETENTION_SCHEDULE, startRetention } from './retention.ts';
import { startExtraServer, type ExtraServer } from './extra-server.ts';
import { startCollector, type ConnectionLimits, type ExtraRoutes } from './server.ts';
import { openStorageFor, redactDbUrl } from './storage/open-storage.ts';
import type { Storage } from './storage/storage.ts';
import { createJwtReader, parsePublicKeys } from './verify-jwt.ts';

/** The dashboard, when asked for: its routes over the open store, and optionally an address of its own. */
export interface CollectorUi {
  routes: (storage: Storage) => ExtraRoutes;
  listen?: { host: string; port: number } | undefined;
}

export interface CollectOptions {
  listen: { host: string; port: number };
  ui?: CollectorUi | undefined;
  db: string;
  publicKeyFiles: string[];
  /** Catalogues known beside the bundled one (`--schema`). */
  schemaFiles: string[];
  maxBodyBytes: number;
  limits: ConnectionLimits;
  /** One stored report per instance per this many ms; undefined: no limit. */
  rateLimitMs: number | undefined;
  /** Deadline of every database statement (PostgreSQL). */
  dbTimeoutMs: number;
  /** Reports older than this are pruned; undefined keeps everything. */
  retainMs: number | undefined;
  /** Signed reports issued longer ago than this are refused. */
  maxTokenAgeMs: number | undefined;
  logLevel: LogLevel;
}

/** Where the collector logs, and when it must stop. */
export interface CollectorEdge {
  log: (line: string) => void;
  shutdown: AbortSignal;
}

export async function runCollector(options: CollectOptions, edge: CollectorEdge): Promise<number> {
  const logger = createLogger(options.logLevel, { write: edge.log });
  const keys = await readPublicKeys(options.publicKeyFiles);
  const known = await readCatalogues(options.schemaFiles);
  const storage = await openStorageFor(options.db, { timeoutMs: options.dbTimeoutMs });
  const ui = options.ui === undefined ? undefined : { routes: options.ui.routes(storage), listen: options.ui.listen };
  let collector;
  try {
    collector = await startCollector(options.listen, {
      storage,
      jwt: createJwtReader(keys, { clockSkewMs: DEFAULT_CLOCK_SKEW_MS, maxAgeMs: options.maxTokenAgeMs }),
      logger,
      now: Date.now,
      maxBodyBytes: options.maxBodyBytes,
      known,
      rateLimitMs: options.rateLimitMs,
      limits: options.limits,
      extraRoutes: ui && !ui.listen ? ui.routes : undefined,
    });
  } catch (error) {
    await storage.close();
    throw new UserError(`--listen ${options.listen.host}:${options.listen.port}: cannot listen (${errorMessage(error)})`, { cause: error });
  }
  const uiServer = ui?.listen ? await startDashboardServer(ui.listen, ui.routes, async () => (await collector.close(), await storage.close())) : undefined;
  const retention = startRetention(storage, { retainMs: options.retainMs, ...DEFAULT_RETENTION_SCHEDULE }, { clock: systemClock, logger });
  const { listening, reportUrl } = reportUrlFor(collector.host, collector.port);
  logger.info(
    { host: collector.host, port: collector.port, reportUrl, storage: storage.kind, db: redactDbUrl(options.db), signedOnly: keys.length > 0, knownPlugins: known.size, retainMs: options.retainMs ?? null },
    `collector listening on ${listening}; point sidecars at --endpoint ${reportUrl}`,
  );
  if (ui) {
    const where = uiServer ?? collector;
    logger.info({ host: where.host, port: where.port }, `dashboard on http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${where.port}/ui/`);
  }
  if (!edge.shutdown.aborted) await new Promise((resolve) => edge.shutdown.addEventListener('abort', resolve, { once: true }));
  logger.info('stopping: finishing requests in flight');
  await uiServer?.close();
  await retention.stop();
  await collector.close();
  await storage.close();
  logger.info('stopped');
  return 0;
}

/** The dashboard on its own address; if it cannot listen, what was started is closed first. */
async function startDashboardServer(listen: { host: string; port: number }, routes: ExtraRoutes, undo: () => Promise<void>): Promise<ExtraServer> {
  try {
    return await startExtraServer(listen, routes);
  } catch (error) {
    await undo();
    throw new UserError(`--ui-listen ${listen.host}:${listen.port}: cannot listen (${errorMessage(error)})`, { cause: error });
  }
}

/** The bundled catalogue, and each --schema beside it. */
async function readCatalogues(schemaFiles: readonly string[]): Promise<KnownPluginSet> {
  const extra = await Promise.all(schemaFiles.map((file) => loadCatalogue(file)));
  return knownPlugins([bundledCatalogue(), ...extra]);
}

async function readPublicKeys(files: readonly string[]): Promise<KeyObject[]> {
  const pems = await Promise.all(
    files.map(async (file) => {
      try {
        return { source: file, pem: await readFile(file, 'utf8') };
      } catch (error) {
        throw describeFsError(error, file, 'public key');
      }
    }),
  );
  try {
    return parsePublicKeys(pems);
  } catch (error) {
    throw new UserError(`--public-key: ${errorMessage(error)}`);
  }
}
