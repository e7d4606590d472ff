/**
 * A collector on 127.0.0.1 over a real SQLite file (or a store the test
 * wraps to inject faults), with its log lines kept for assertions.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { startCollector, type CollectorDeps, type RunningCollector } from '../../src/collector/server.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import { createJwtReader, parsePublicKeys } from '../../src/collector/verify-jwt.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { tempDir } from './fleet.ts';

/** The collector's clock in these tests: 2025-01-31 00:00 UTC. */
export const COLLECTOR_NOW = Date.UTC(2025, 0, 31);

export interface TestCollector {
  collector: RunningCollector;
  /** The real store underneath any wrapper. */
  storage: Storage;
  dbPath: string;
  logs: string[];
  url: string;
  /** Closes the collector (the store closes after the test). */
  close(): Promise<void>;
}

export interface TestCollectorOptions extends Partial<Pick<CollectorDeps, 'maxBodyBytes' | 'rateLimitMs' | 'limits' | 'now'>> {
  keys?: string[];
  /** Wraps the store the collector sees, to make it fail on purpose. */
  wrap?: (storage: Storage) => Storage;
  storage?: Storage;
}

export async function startTestCollector(t: TestContext, options: TestCollectorOptions = {}): Promise<TestCollector> {
  const dbPath = join(tempDir(t), 'c.db');
  const storage = options.storage ?? (await openSqliteStorage(dbPath));
  const logs: string[] = [];
  const collector = await startCollector(
    { host: '127.0.0.1', port: 0 },
    {
      storage: options.wrap ? options.wrap(storage) : storage,
      jwt: createJwtReader(parsePublicKeys((options.keys ?? []).map((pem, i) => ({ source: `key${i}`, pem })))),
      logger: createLogger('debug', { write: (line: string) => void logs.push(line) }),
      now: options.now ?? (() => COLLECTOR_NOW),
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      known: bundledCatalogue(),
      rateLimitMs: options.rateLimitMs,
      ...(options.limits ? { limits: options.limits } : {}),
    },
  );
  let closed = false;
  t.after(async () => {
    if (!closed) await collector.close();
    if (!options.storage) await storage.close();
  });
  return {
    collector,
    storage,
    dbPath,
    logs,
    url: `http://127.0.0.1:${collector.port}/connect/telemetry`,
    close: async () => {
      closed = true;
      await collector.close();
    },
  };
}

export const postReport = (url: string, body: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

export const countReports = async (storage: Storage) => Number((await storage.query('SELECT COUNT(*) AS n FROM reports'))[0]?.['n']);

/** Log lines at `level` or above (pino: 30 info, 40 warn, 50 error). */
export const logsAtLeast = (logs: readonly string[], level: number) => logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => Number(line['level']) >= level);
