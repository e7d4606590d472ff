/**
 * A thousand slow connections against a collector limited to 1,024 open
 * files (`ulimit -n 1024`), on a PostgreSQL of the suite's own: 800 send
 * their request head a byte at a time, 200 send a head and then their body
 * a byte at a time, and each is opened again as soon as the collector closes
 * it. Meanwhile real senders post reports on fresh connections: every one
 * must be stored, the collector must hold no more sockets than its ceiling,
 * and nothing must be logged above info.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { reportBody, sleep, socketsOf, startCollect } from './collector-fixtures.ts';
import { ownPostgresForSuite } from './own-postgres.ts';

const SLOW_HEADS = 800;
const SLOW_BODIES = 200;
const MAX_CONNECTIONS = 512;
const REAL_REPORTS = 50;

const postgres = ownPostgresForSuite();

/** Keeps `count` connections open that send `head`, then one more byte every second, reopening each one the collector closes. */
function slowClients(port: number, count: number, head: string) {
  const open = new Set<Socket>();
  let stopping = false;
  let opened = 0;
  const one = () => {
    if (stopping) return;
    opened++;
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const drip = setInterval(() => socket.writable && socket.write('x'), 1_000);
    open.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      open.delete(socket);
      setTimeout(one, 50);
    });
  };
  for (let i = 0; i < count; i++) one();
  return {
    opened: () => opened,
    stop() {
      stopping = true;
      for (const socket of open) socket.destroy();
    },
  };
}

/** A report on a connection of its own (no keep-alive), as a sidecar sends it. */
function postFresh(port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/connect/telemetry', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

describe('a collector under a thousand slow connections', { timeout: 300_000 }, () => {
  it('stores every real report, holds no more sockets than its ceiling, and logs nothing above info', async (t) => {
    const own = postgres.server(t);
    if (!own) return;
    const db = await postgres.database(own, 'slow');
    const collector = await startCollect(['--db', db, '--max-connections', String(MAX_CONNECTIONS)], { fdLimit: 1024 });
    t.after(() => collector.stop());
    const port = Number(new URL(collector.base).port);
    const pid = collector.child.pid as number;

    const heads = slowClients(port, SLOW_HEADS, 'POST /connect/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const bodies = slowClients(port, SLOW_BODIES, 'POST /connect/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    t.after(() => (heads.stop(), bodies.stop()));
    await sleep(3_000);

    const statuses: number[] = [];
    let mostSockets = 0;
    const started = Date.now();
    for (let i = 0; i < REAL_REPORTS; i++) {
      statuses.push(await postFresh(port, reportBody(`${String(i).padStart(8, '0')}-1111-4222-8333-444444444444`)));
      if (i % 10 === 0) mostSockets = Math.max(mostSockets, socketsOf(pid));
    }
    const took = Date.now() - started;
    heads.stop();
    bodies.stop();
    const counts = statuses.reduce<Record<number, number>>((all, s) => ((all[s] = (all[s] ?? 0) + 1), all), {});
    t.diagnostic(`${REAL_REPORTS} real reports in ${took} ms: ${JSON.stringify(counts)}; slow connections opened ${heads.opened() + bodies.opened()}; collector sockets at most ${mostSockets} (ceiling ${MAX_CONNECTIONS})`);

    assert.deepEqual(counts, { 204: REAL_REPORTS });
    // The ceiling, plus the listening socket and the database pool (10).
    assert.ok(mostSockets <= MAX_CONNECTIONS + 1 + 10 + 2, `${mostSockets} sockets held`);
    assert.ok(collector.alive());
    const loud = collector.logs.filter((line) => Number(line['level']) > 30);
    assert.deepEqual(loud, []);
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    const stored = Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM reports')).rows[0]?.n);
    await client.end();
    assert.equal(stored, REAL_REPORTS);
  });
});
