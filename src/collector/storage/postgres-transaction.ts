/**
 * Statements on one PostgreSQL client in the shared query dialect: `?`
 * placeholders numbered as PostgreSQL wants them, rows out. Transactions,
 * deadlines and faults are the pool's (postgres-pool.ts).
 */
import type pg from 'pg';
import type { Row } from './storage.ts';

/** `?` placeholders (the shared query dialect) to PostgreSQL's `$1, $2…`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Runs statements on one client: shared-dialect SQL and parameters in, rows out. */
export type Exec = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export const execOn =
  (client: pg.ClientBase): Exec =>
  async (sql, params = []) =>
    (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];
