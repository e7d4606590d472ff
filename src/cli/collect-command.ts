/**
 * `connect-telemetry collect`: opens the store, listens, and runs until the
 * shutdown signal; then drains requests in flight and commits what is pending.
 */
import { readFile } from 'node:fs/promises';
import type { CliDeps } from './program.ts';
import { describeFsError } from '../lib/fs-errors.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { createLogger, type LogLevel } from '../lib/logger.ts';
import { startCollector } from '../collector/server.ts';
import { openStorage, redactDbUrl } from '../collector/storage/open-storage.ts';
import { createJwtReader, parsePublicKeys } from '../collector/verify-jwt.ts';

export interface CollectOptions {
  listen: { host: string; port: number };
  db: string;
  publicKeyFiles: string[];
  maxBodyBytes: number;
  logLevel: LogLevel;
}

export async function collect(options: CollectOptions, deps: CliDeps): Promise<number> {
  const logger = createLogger(options.logLevel, { write: (line: string) => deps.stderr(line) });
  const pems = await Promise.all(
    options.publicKeyFiles.map(async (file) => {
      try {
        return { source: file, pem: await readFile(file, 'utf8') };
      } catch (error) {
        throw describeFsError(error, file, 'public key');
      }
    }),
  );
  let keys;
  try {
    keys = parsePublicKeys(pems);
  } catch (error) {
    throw new UserError(`--public-key: ${errorMessage(error)}`);
  }
  let storage;
  try {
    storage = await openStorage(options.db);
  } catch (error) {
    throw new UserError(`--db ${redactDbUrl(options.db)}: cannot open the database (${errorMessage(error)})`, { cause: error });
  }
  let collector;
  try {
    collector = await startCollector(options.listen, { storage, jwt: createJwtReader(keys), logger, now: Date.now, maxBodyBytes: options.maxBodyBytes });
  } catch (error) {
    await storage.close();
    throw new UserError(`--listen ${options.listen.host}:${options.listen.port}: cannot listen (${errorMessage(error)})`, { cause: error });
  }
  logger.info(
    { host: collector.host, port: collector.port, storage: storage.kind, db: redactDbUrl(options.db), signedOnly: keys.length > 0 },
    `collector listening on http://${collector.host.includes(':') ? `[${collector.host}]` : collector.host}:${collector.port}`,
  );
  if (!deps.shutdown.aborted) await new Promise((resolve) => deps.shutdown.addEventListener('abort', resolve, { once: true }));
  logger.info('stopping: finishing requests in flight');
  await collector.close();
  await storage.close();
  logger.info('stopped');
  return 0;
}
