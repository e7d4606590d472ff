/**
 * The collector's edge, run by `collect`: reads the public keys, opens the
 * store, listens, and runs until the shutdown signal; then drains requests
 * in flight and commits what is pending.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserError, errorMessage } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { createLogger, type LogLevel } from '../lib/logger.ts';
import { reportUrlFor } from './report-url.ts';
import { startCollector } from './server.ts';
import { openStorageFor, redactDbUrl } from './storage/open-storage.ts';
import { createJwtReader, parsePublicKeys } from './verify-jwt.ts';

export interface CollectOptions {
  listen: { host: string; port: number };
  db: string;
  publicKeyFiles: string[];
  maxBodyBytes: number;
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
  const storage = await openStorageFor(options.db);
  let collector;
  try {
    collector = await startCollector(options.listen, { storage, jwt: createJwtReader(keys), logger, now: Date.now, maxBodyBytes: options.maxBodyBytes });
  } catch (error) {
    await storage.close();
    throw new UserError(`--listen ${options.listen.host}:${options.listen.port}: cannot listen (${errorMessage(error)})`, { cause: error });
  }
  const { listening, reportUrl } = reportUrlFor(collector.host, collector.port);
  logger.info(
    { host: collector.host, port: collector.port, reportUrl, storage: storage.kind, db: redactDbUrl(options.db), signedOnly: keys.length > 0 },
    `collector listening on ${listening}; point sidecars at --endpoint ${reportUrl}`,
  );
  if (!edge.shutdown.aborted) await new Promise((resolve) => edge.shutdown.addEventListener('abort', resolve, { once: true }));
  logger.info('stopping: finishing requests in flight');
  await collector.close();
  await storage.close();
  logger.info('stopped');
  return 0;
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
