/**
 * The PostgreSQL fault layer: which errors mean "unavailable", a server that
 * never answers, a statement past its deadline, and a connection killed in
 * the middle of a transaction (which used to crash the process).
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { createPostgresPool, isUnavailableError, type PostgresPool } from '../../../src/collector/storage/postgres-pool.ts';
import type { Exec } from '../../../src/collector/storage/postgres-transaction.ts';
import { StorageUnavailableError } from '../../../src/collector/storage/storage-unavailable.ts';
import { freshPostgres } from '../../helpers/fleet.ts';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe('isUnavailableError', () => {
  const cases: [string, unknown, boolean][] = [
    ['a refused connection', withCode('ECONNREFUSED'), true],
    ['a reset connection', withCode('ECONNRESET'), true],
    ['the server shutting down (57P01)', withCode('57P01'), true],
    ['the server starting up (57P03)', withCode('57P03'), true],
    ['a statement timeout (57014)', withCode('57014'), true],
    ['too many connections (53300)', withCode('53300'), true],
    ['a connection failure (08006)', withCode('08006'), true],
    ['a lost connection, as pg words it', new Error('Connection terminated unexpectedly'), true],
    ['a connect timeout, as pg-pool words it', new Error('timeout exceeded when trying to connect'), true],
    ['a prepared statement the session no longer has (26000)', withCode('26000'), true],
    ['a syntax error (42601)', withCode('42601'), false],
    ['a unique violation (23505)', withCode('23505'), false],
    ['a value out of range (22003)', withCode('22003'), false],
    ['any other error', new Error('boom'), false],
  ];
  for (const [what, error, expected] of cases) {
    it(`${expected ? 'counts' : 'does not count'} ${what}`, () => assert.equal(isUnavailableError(error), expected));
  }
});

describe('createPostgresPool', () => {
  it('gives up on a server that accepts connections but never answers, within the deadline', async (t) => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    const pool = createPostgresPool(`postgres://u@127.0.0.1:${port}/db`, { timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(pool.ping(), StorageUnavailableError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `answered after ${elapsed} ms, not hung`);
    await pool.end();
  });

  it('answers a refused connection with StorageUnavailableError', async () => {
    const pool = createPostgresPool('postgres://u@127.0.0.1:1/db', { timeoutMs: 1000 });
    await assert.rejects(pool.ping(), StorageUnavailableError);
    await pool.end();
  });

  it('cancels a statement past its deadline', async (t) => {
    const url = await freshPostgres(t);
    if (url === undefined) return;
    const pool = createPostgresPool(url, { timeoutMs: 300 });
    t.after(() => pool.end());
    await assert.rejects(pool.query('SELECT pg_sleep(5)'), StorageUnavailableError);
    await pool.ping();
  });

  it('survives its connection being killed in the middle of a transaction, and reconnects by itself', async (t) => {
    const url = await freshPostgres(t);
    if (url === undefined) return;
    const pool = createPostgresPool(url, { timeoutMs: 5000 });
    t.after(() => pool.end());
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const failed = pool.transaction(async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      // The server is gone while this client is checked out and idle: pg emits 'error' on it now.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 1');
    });
    await assert.rejects(failed, StorageUnavailableError);
    await admin.end();
    await pool.ping();
  });
});

/** What another connection sees: committed rows only. */
async function committedRows(url: string, sql: string): Promise<unknown[]> {
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  try {
    return (await other.query(sql)).rows;
  } finally {
    await other.end();
  }
}

/** A pool on a fresh database holding one table `t` (`columns`), with the database's URL; undefined when there is no PostgreSQL. */
async function poolWithTable(t: TestContext, columns: string, maxConnections?: number): Promise<{ url: string; pool: PostgresPool } | undefined> {
  const url = await freshPostgres(t);
  if (url === undefined) return undefined;
  const pool = createPostgresPool(url, { timeoutMs: 5000, ...(maxConnections === undefined ? {} : { maxConnections }) });
  t.after(() => pool.end());
  await pool.query(`CREATE TABLE t (${columns})`);
  return { url, pool };
}

describe('pipelinedTransaction', () => {
  it('commits once the work and its last statement are done, and returns the work result', async (t) => {
    const opened = await poolWithTable(t, 'n INTEGER');
    if (opened === undefined) return;
    const { url, pool } = opened;
    const result = await pool.pipelinedTransaction(async (exec) => {
      const [first, second] = await Promise.all([exec('INSERT INTO t VALUES (?) RETURNING n', [1]), exec('SELECT count(*)::int AS c FROM t')]);
      return { result: [first[0]?.['n'], second[0]?.['c']], last: exec('INSERT INTO t VALUES (?)', [2]) };
    });
    // The second statement ran after the first, in the same transaction: it saw its row.
    assert.deepEqual(result, [1, 1]);
    assert.deepEqual(await committedRows(url, 'SELECT n FROM t ORDER BY n'), [{ n: 1 }, { n: 2 }]);
  });

  it('commits nothing when the last statement fails, and throws its error', async (t) => {
    const opened = await poolWithTable(t, 'n INTEGER PRIMARY KEY');
    if (opened === undefined) return;
    const { url, pool } = opened;
    const failed = pool.pipelinedTransaction(async (exec) => {
      await exec('INSERT INTO t VALUES (?)', [1]);
      return { result: 'done', last: exec('INSERT INTO t VALUES (?)', [1]) };
    });
    await assert.rejects(failed, (error: unknown) => (error as { code?: string }).code === '23505');
    assert.deepEqual(await committedRows(url, 'SELECT n FROM t'), []);
    await pool.ping(); // the client that failed was not handed on in a broken state
  });

  it('rejects every statement of a message with the error of the first that failed, and commits none', async (t) => {
    const opened = await poolWithTable(t, 'n INTEGER');
    if (opened === undefined) return;
    const { url, pool } = opened;
    const outcomes: string[] = [];
    const failed = pool.pipelinedTransaction(async (exec) => {
      const sent = [exec('INSERT INTO t VALUES (?)', [1]), exec('SELECT * FROM missing_table'), exec('INSERT INTO t VALUES (?)', [3])];
      const settled = await Promise.allSettled(sent);
      outcomes.push(...settled.map((s) => (s.status === 'rejected' ? String((s.reason as { code?: string }).code) : 'ok')));
      await sent[0];
      return { result: 'done', last: Promise.resolve() };
    });
    await assert.rejects(failed);
    assert.deepEqual(outcomes, ['42P01', '42P01', '42P01']);
    assert.deepEqual(await committedRows(url, 'SELECT n FROM t'), []);
  });

  describe('statements with parameters', () => {
    // Rows n and n + 1, in the statement the transaction ends with.
    const insert = (exec: Exec, n: number) => ({ result: n, last: exec('INSERT INTO t SELECT * FROM unnest(?::int[])', [[n, n + 1]]) });
    const preparedStatements = async (pool: PostgresPool) => (await pool.query('SELECT statement FROM pg_prepared_statements')).rows.map((r) => String(r['statement']));

    it('are prepared once per connection and then executed by name', async (t) => {
      const opened = await poolWithTable(t, 'n INTEGER', 1);
      if (opened === undefined) return;
      const { url, pool } = opened;
      for (const n of [1, 10, 20]) await pool.pipelinedTransaction(async (exec) => insert(exec, n));
      assert.deepEqual(await committedRows(url, 'SELECT n FROM t ORDER BY n'), [{ n: 1 }, { n: 2 }, { n: 10 }, { n: 11 }, { n: 20 }, { n: 21 }]);
      const prepared = await preparedStatements(pool);
      assert.equal(prepared.length, 1, prepared.join('\n'));
      assert.match(prepared[0] ?? '', /INSERT INTO t SELECT \* FROM unnest\(\$1::int\[\]\)/);
    });

    it('are planned for each batch, never by a plan cached from an earlier one', async (t) => {
      const opened = await poolWithTable(t, 'n INTEGER', 1);
      if (opened === undefined) return;
      const { rows } = await opened.pool.query('SHOW plan_cache_mode');
      assert.equal(rows[0]?.['plan_cache_mode'], 'force_custom_plan');
    });

    it('are sent whole on a connection whose server forgot them, after that one transaction fails as unavailable', async (t) => {
      const opened = await poolWithTable(t, 'n INTEGER', 1);
      if (opened === undefined) return;
      const { url, pool } = opened;
      await pool.pipelinedTransaction(async (exec) => insert(exec, 1));
      // What a pooler in transaction mode amounts to: the next transaction meets a session without the statement.
      await pool.query('DEALLOCATE ALL');
      await assert.rejects(
        pool.pipelinedTransaction(async (exec) => insert(exec, 10)),
        (error: unknown) => error instanceof StorageUnavailableError && isUnavailableError((error as { cause?: unknown }).cause),
      );
      await pool.pipelinedTransaction(async (exec) => insert(exec, 20));
      await pool.pipelinedTransaction(async (exec) => insert(exec, 30));
      assert.deepEqual(await preparedStatements(pool), []);
      assert.deepEqual(await committedRows(url, 'SELECT n FROM t ORDER BY n'), [{ n: 1 }, { n: 2 }, { n: 20 }, { n: 21 }, { n: 30 }, { n: 31 }]);
    });
  });
});
