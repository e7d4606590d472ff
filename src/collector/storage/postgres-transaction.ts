/**
 * Statements on one PostgreSQL client in the shared query dialect: `?`
 * placeholders numbered as PostgreSQL wants them, rows out; on a pipelined
 * client, the statements of one turn of the event loop leave in one write.
 * Transactions, deadlines and faults are the pool's (postgres-pool.ts).
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

/**
 * Like execOn, for a client in pipeline mode: the statements issued in one
 * turn of the event loop leave in one write, one system call and one wake-up
 * of the server, instead of one each (these are what a batch's time goes to
 * on a busy machine, more than the statements' own work).
 */
export function pipelinedExecOn(client: pg.PoolClient): Exec {
  const stream = client.connection.stream;
  let corked = false;
  const send = () => {
    corked = false;
    stream.uncork();
  };
  return async (sql, params = []) => {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(send);
    }
    return (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];
  };
}
