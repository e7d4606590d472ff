/**
 * The PostgreSQL connection layer both the store and its readers go through,
 * built so that a database fault is answered, never fatal:
 *
 * - every client carries an 'error' listener, so a server that goes away
 *   while a client is checked out (between two statements of a transaction)
 *   can no longer crash the process with an unhandled 'error' event;
 * - with a deadline, every operation (waiting for a connection included) ends
 *   by then: the server cancels a statement at `statement_timeout`, and a
 *   server that does not answer at all (frozen, or a dead network path) has
 *   its connection destroyed on the client side, which also rolls back what
 *   that connection had not committed;
 * - a client that failed in any way is discarded, not reused, and the pool
 *   opens fresh connections when the database is back: no restart needed;
 * - failures that pass by themselves (unreachable, restarting, too slow)
 *   become a StorageUnavailableError; anything else is passed on as it is.
 */
import pg from 'pg';
import { errorCode, errorMessage } from '../../lib/errors.ts';
import { coalescingExecOn, preparedStatements, UNKNOWN_STATEMENT, type Exec, type PreparedStatements } from './postgres-transaction.ts';
import { StorageUnavailableError } from './storage-unavailable.ts';

export interface PostgresPoolOptions {
  /** Connections held at most (default 10). */
  maxConnections?: number;
  /**
   * Deadline of each operation, in ms: the statement timeout and the
   * client-side limit. Undefined: no limit (for `report` and `prune`, whose
   * queries may rightly take minutes); connecting is still limited.
   */
  timeoutMs?: number;
}

/**
 * What a pipelined transaction's work returns: its result, and its last
 * statement, still in flight, which COMMIT follows on the wire at once.
 */
export interface PipelinedWork<T> {
  result: T;
  last: Promise<unknown>;
}

export interface PostgresPool {
  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>, options?: { unlimited?: boolean }): Promise<T>;
  /**
   * Like transaction(), in as few round trips as the work allows: the work
   * gets an Exec that sends the statements of one turn of the event loop as
   * one message (coalescingExecOn), statements with parameters prepared
   * once per connection; BEGIN goes out with the work's first statements,
   * and COMMIT with its last one.
   */
  pipelinedTransaction<T>(work: (exec: Exec) => Promise<PipelinedWork<T>>): Promise<T>;
  /** One statement on any connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
  /** Resolves once the database answers a trivial query within the deadline. */
  ping(): Promise<void>;
  /** Closes every connection; gives up waiting on a server that does not answer. */
  end(): Promise<void>;
}

/** Connecting never waits longer than this, even without a deadline. */
const CONNECT_LIMIT_MS = 10_000;

// SQLSTATE classes and codes that mean "the database cannot serve now", not "this statement is wrong".
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
// UNKNOWN_STATEMENT: a server session without the write path's prepared statements; the pool then sends them whole.
const UNAVAILABLE_CODES = new Set(['55P03', '40P01', UNKNOWN_STATEMENT]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
// pg reports a lost or refused connection with a plain Error and one of these messages.
const CONNECTION_MESSAGES = /connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout|connection error/i;

/** Whether a pg error is the database being unreachable, restarting or too slow. */
export function isUnavailableError(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  return CONNECTION_MESSAGES.test(errorMessage(error));
}

function unavailable(error: unknown): StorageUnavailableError {
  return new StorageUnavailableError(`the database is unavailable (${errorMessage(error)})`, { cause: error });
}

/** Rejects with `onLate()`'s error when `promise` has not settled within `ms`. */
function withinDeadline<T>(promise: Promise<T>, ms: number, onLate: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onLate()), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function createPgPool(url: string, options: PostgresPoolOptions): pg.Pool {
  const { timeoutMs } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: Math.min(timeoutMs ?? CONNECT_LIMIT_MS, CONNECT_LIMIT_MS),
    keepAlive: true,
    // The write path's statements are prepared once per connection (postgres-transaction.ts); each
    // execution is still planned for its own batch, never by a generic plan chosen while the tables were small.
    options: '-c plan_cache_mode=force_custom_plan',
    ...(timeoutMs === undefined
      ? {}
      : {
          statement_timeout: timeoutMs,
          lock_timeout: timeoutMs,
          // A transaction whose client vanished must not hold locks for long.
          idle_in_transaction_session_timeout: Math.max(2 * timeoutMs, 10_000),
        }),
  });
  // An idle client's error (the server restarted) is handled here; the next use reconnects.
  pool.on('error', () => undefined);
  // A checked-out client's error surfaces through the statement it breaks; without a listener it would crash the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** A client within the deadline; one that arrives too late goes straight back. */
async function acquire(pool: pg.Pool, deadlineMs: number | undefined): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  if (deadlineMs === undefined) return connecting;
  try {
    return await withinDeadline(connecting, deadlineMs, () => new Error(`no connection within ${deadlineMs} ms`));
  } catch (error) {
    void connecting.then((client) => client.release(), () => undefined);
    throw error;
  }
}

/**
 * Runs `work` on one client within `deadlineMs` (waiting for the client
 * included); past it the client's connection is destroyed, so the server
 * drops what that connection holds.
 */
async function withClient<T>(pool: pg.Pool, deadlineMs: number | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  let client: pg.PoolClient;
  try {
    client = await acquire(pool, deadlineMs);
  } catch (error) {
    throw unavailable(error);
  }
  let timedOut = false;
  const left = deadlineMs === undefined ? undefined : Math.max(1, deadlineMs - (Date.now() - startedAt));
  const timer = left === undefined ? undefined : setTimeout(() => ((timedOut = true), client.connection.stream.destroy()), left);
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    // Never hand a client that failed to the next caller.
    client.release(error instanceof Error ? error : new Error(errorMessage(error)));
    if (timedOut) throw new StorageUnavailableError(`the database did not answer within ${deadlineMs} ms`, { cause: error });
    throw isUnavailableError(error) ? unavailable(error) : error;
  } finally {
    clearTimeout(timer);
  }
}

/** BEGIN, `work`, COMMIT; ROLLBACK if anything throws. */
async function inTransaction<T>(client: pg.PoolClient, work: (client: pg.PoolClient) => Promise<T>, noStatementLimit: boolean): Promise<T> {
  await client.query('BEGIN');
  // A migration may rightly take longer than one report's deadline.
  if (noStatementLimit) await client.query('SET LOCAL statement_timeout = 0');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * BEGIN, `work`, COMMIT, pipelined: BEGIN is sent with the work's first
 * statements, COMMIT with its last one, before that one is answered. Should
 * it fail, the server skips the COMMIT and its error is the one thrown; the
 * work's result is returned only once COMMIT is answered, so a report is
 * acknowledged only once it is committed.
 */
async function inPipelinedTransaction<T>(client: pg.PoolClient, prepared: PreparedStatements, work: (exec: Exec) => Promise<PipelinedWork<T>>): Promise<T> {
  const exec = coalescingExecOn(client, prepared);
  const begin = exec('BEGIN');
  begin.catch(() => undefined); // its error, if any, is the one the work's first statement meets too
  try {
    const { result, last } = await work(exec);
    // Should BEGIN's message fail, `last` (sent with it) fails too: its error is BEGIN's, thrown below.
    last.catch(() => undefined);
    const commit = exec('COMMIT');
    commit.catch(() => undefined);
    await begin;
    await last;
    await commit;
    return result;
  } catch (error) {
    await exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): PostgresPool {
  const pool = createPgPool(url, options);
  const { timeoutMs } = options;
  const prepared = preparedStatements();
  return {
    transaction(work, { unlimited = false } = {}) {
      return withClient(pool, unlimited ? undefined : timeoutMs, (client) => inTransaction(client, work, unlimited && timeoutMs !== undefined));
    },
    pipelinedTransaction(work) {
      return withClient(pool, timeoutMs, (client) => inPipelinedTransaction(client, prepared, work));
    },
    query(sql, params = []) {
      return withClient(pool, timeoutMs, (client) => client.query(sql, [...params]));
    },
    async ping() {
      await withClient(pool, timeoutMs, (client) => client.query('SELECT 1'));
    },
    async end() {
      // A frozen server never acknowledges the goodbye; do not wait for it forever.
      await withinDeadline(pool.end(), CONNECT_LIMIT_MS, () => new Error('closing timed out')).catch(() => undefined);
    },
  };
}
