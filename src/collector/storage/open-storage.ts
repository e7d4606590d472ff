/**
 * Opens the store a `--db` value names: a `postgres://` URL or a SQLite file.
 * Each implementation loads only when asked for.
 */
import type { Storage } from './storage.ts';

/** `postgres://` and `postgresql://` URLs name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** A database URL with its password hidden, for logs and messages. */
export const redactDbUrl = (db: string): string => db.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@');

export async function openStorage(db: string): Promise<Storage> {
  if (isPostgresUrl(db)) {
    const { openPostgresStorage } = await import('./postgres-storage.ts');
    return openPostgresStorage(db);
  }
  const { openSqliteStorage } = await import('./sqlite-storage.ts');
  return openSqliteStorage(db);
}
