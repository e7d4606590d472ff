/**
 * Opens the store a `--db` value names: a `postgres://` URL or a SQLite file.
 * Each implementation loads only when asked for.
 */
import { existsSync } from 'node:fs';
import { UserError, errorMessage } from '../../lib/errors.ts';
import type { Storage } from './storage.ts';

/** `postgres://` and `postgresql://` URLs name a PostgreSQL database; anything else is a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** A database URL with its password hidden, for logs and messages. */
export const redactDbUrl = (db: string): string => db.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@');

export interface OpenOptions {
  /** PostgreSQL: the deadline of every statement, in ms (the collector's); undefined for none (`report`, `prune`). */
  timeoutMs?: number | undefined;
}

export async function openStorage(db: string, options: OpenOptions = {}): Promise<Storage> {
  if (isPostgresUrl(db)) {
    const { openPostgresStorage } = await import('./postgres-storage.ts');
    return openPostgresStorage(db, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }
  const { openSqliteStorage } = await import('./sqlite-storage.ts');
  return openSqliteStorage(db);
}

/**
 * Opens the store `--db` names, or says which database could not be opened
 * (without its password). `mustExist`: reading must not leave an empty
 * SQLite file behind where none was.
 */
export async function openStorageFor(db: string, options: OpenOptions & { mustExist?: boolean } = {}): Promise<Storage> {
  if (options.mustExist && !isPostgresUrl(db) && !existsSync(db)) {
    throw new UserError(`no such database: ${db} (give --db the file \`collect\` writes to)`);
  }
  try {
    return await openStorage(db, options);
  } catch (error) {
    throw new UserError(`--db ${redactDbUrl(db)}: cannot open the database (${errorMessage(error)})`, { cause: error });
  }
}
