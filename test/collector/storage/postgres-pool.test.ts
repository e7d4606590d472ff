/**
 * The PostgreSQL fault layer: which errors mean "unavailable", a server that
 * never answers, a statement past its deadline, and a connection killed in
 * the middle of a transaction (which used to crash the process).
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createPostgresPool, isUnavailableError } from '../../../src/collector/storage/postgres-pool.ts';
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
