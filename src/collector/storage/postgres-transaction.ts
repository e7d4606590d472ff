/**
 * Statements on one PostgreSQL client in the shared query dialect: `?`
 * placeholders numbered as PostgreSQL wants them, rows out; or the
 * statements of one turn of the event loop sent as one message. Transactions,
 * deadlines and faults are the pool's (postgres-pool.ts).
 */
import type pg from 'pg';
import { inlineParameters } from './postgres-literals.ts';
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
 * Like execOn, but the statements issued in one turn of the event loop go
 * to the server as one message (one simple query holding them all, their
 * parameters written in as literals): one write, one wake-up of the server
 * and one answer, instead of one of each per statement (these are what a
 * batch's time goes to on a busy machine, more than the statements' work).
 * The server runs them in order, each in a snapshot of its own (READ
 * COMMITTED); should one fail, the ones after it are skipped and every
 * call of the message rejects with that error. Each call must be a single
 * statement (its answer is found by position).
 */
export function coalescingExecOn(client: pg.ClientBase): Exec {
  let queued: { sql: string; resolve: (rows: Row[]) => void; reject: (error: unknown) => void }[] = [];
  const send = async () => {
    const statements = queued;
    queued = [];
    try {
      const answer: pg.QueryResult | pg.QueryResult[] = await client.query(statements.map((s) => s.sql).join(';\n'));
      const results = Array.isArray(answer) ? answer : [answer];
      statements.forEach((s, i) => s.resolve((results[i]?.rows ?? []) as Row[]));
    } catch (error) {
      for (const s of statements) s.reject(error);
    }
  };
  return (sql, params = []) =>
    new Promise<Row[]>((resolve, reject) => {
      const statement = { sql: inlineParameters(sql, params), resolve, reject };
      if (queued.length === 0) setImmediate(() => void send());
      queued.push(statement);
    });
}
