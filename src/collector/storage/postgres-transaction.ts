/**
 * Small helpers for the PostgreSQL store: the shared query dialect's `?`
 * placeholders numbered as PostgreSQL wants them, and a transaction on one
 * pooled client.
 */
import type pg from 'pg';
import type { Row, SqlValue } from './storage.ts';

/** `?` placeholders (the shared query dialect) to PostgreSQL's `$1, $2…`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Runs statements on one client: shared-dialect SQL and parameters in, rows out. */
export type Exec = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export const execOn =
  (client: pg.ClientBase | pg.Pool): Exec =>
  async (sql, params = []) =>
    (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];

/** Runs `work` in one transaction on a pooled client: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (exec: Exec, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(execOn(client), client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export type { SqlValue };
