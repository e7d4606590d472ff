/**
 * Both stores, for suites that must give the same answers on each: a fresh
 * SQLite file, and a fresh PostgreSQL database (undefined, so the suite
 * skips, when no server is given).
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openPostgresStorage } from '../../src/collector/storage/postgres-storage.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import { freshPostgres, tempDir } from './fleet.ts';

export const STORAGE_BACKENDS: [string, (t: TestContext) => Promise<Storage | undefined>][] = [
  ['SQLite', async (t) => openSqliteStorage(join(tempDir(t), 'c.db'))],
  [
    'PostgreSQL',
    async (t) => {
      const url = await freshPostgres(t);
      return url === undefined ? undefined : openPostgresStorage(url);
    },
  ],
];
