import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { countReports, postReport, startTestCollector } from '../helpers/collector-server.ts';

const payload = {
  id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  uptime: 90,
  components: [
    { type: 'input', name: 'generate' },
    { type: 'processor', name: 'mapping' },
    { type: 'output', name: 'stdout' },
  ],
  hostInfo: { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'linux' },
  deploymentType: 'self-hosted',
};

const setup = startTestCollector;
const post = postReport;
const stored = countReports;

describe('the collector', () => {
  it('stores a JSON report and answers 204 after it is stored', async (t) => {
    const { url, storage } = await setup(t);
    const response = await post(url, JSON.stringify(payload));
    assert.equal(response.status, 204);
    assert.equal(await stored(storage), 1);
    const rows = await storage.query('SELECT i.instance_id, i.uptime, h.go_os FROM instances i JOIN hosts h ON h.id = i.host_id');
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ instance_id: payload.id, uptime: 90, go_os: 'linux' }]);
  });

  it('accepts a JWT in text/plain, as Connect sends it', async (t) => {
    const { url, storage } = await setup(t);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    const response = await post(url, token, 'text/plain; charset=utf-8');
    assert.equal(response.status, 204);
    assert.equal(await stored(storage), 1);
  });

  it('with public keys, accepts only correctly signed reports', async (t) => {
    const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const next = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = (k: typeof current) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { url, storage } = await setup(t, { keys: [pem(current), pem(next)] });
    const sign = (k: typeof current) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256' }).sign(k.privateKey);
    assert.equal((await post(url, await sign(current), 'text/plain')).status, 204);
    assert.equal((await post(url, await sign(next), 'text/plain')).status, 204);
    const refused = await post(url, await sign(other), 'text/plain');
    assert.equal(refused.status, 401);
    assert.match(await refused.text(), /not signed by any of the configured keys/);
    const unsigned = await post(url, JSON.stringify(payload));
    assert.equal(unsigned.status, 401);
    assert.equal(await stored(storage), 2);
  });

  it('answers 400 with the reason for an invalid report, and stores nothing', async (t) => {
    const { url, storage } = await setup(t);
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      [JSON.stringify({ ...payload, uptime: -5 }), /uptime must be a non-negative integer/],
      [JSON.stringify({ ...payload, id: 'web-1' }), /id must be a UUID/],
      [JSON.stringify({ ...payload, components: [{ type: 'input', name: 'Kafka!' }] }), /components\[0\]\.name/],
    ];
    for (const [body, reason] of cases) {
      const response = await post(url, body);
      assert.equal(response.status, 400);
      assert.match(await response.text(), reason);
    }
    assert.equal(await stored(storage), 0);
  });

  it('answers 415 for another media type', async (t) => {
    const { url } = await setup(t);
    const response = await post(url, JSON.stringify(payload), 'application/x-www-form-urlencoded');
    assert.equal(response.status, 415);
  });

  it('answers 413 for a body over the limit, declared or streamed', async (t) => {
    const { url, storage, collector } = await setup(t, { maxBodyBytes: 200 });
    const big = JSON.stringify({ ...payload, padding: 'x'.repeat(500) });
    assert.equal((await post(url, big)).status, 413);
    // Chunked: no content-length, so the limit is found while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: collector.port, path: '/connect/telemetry', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(100));
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(await stored(storage), 0);
  });

  it('answers GET /healthz, 404 elsewhere and 405 for other methods', async (t) => {
    const { url, collector } = await setup(t);
    const health = await fetch(`http://127.0.0.1:${collector.port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', storage: 'sqlite' });
    assert.equal((await fetch(`http://127.0.0.1:${collector.port}/other`)).status, 404);
    const get = await fetch(url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('never stores or logs the sender’s address, nor one a proxy names', async (t) => {
    const { collector, storage, dbPath, logs } = await setup(t);
    // Any 127/8 address is this machine: the sender gets one of its own, which
    // nothing else in the test could put in the file or the logs.
    const sender = '127.83.41.29';
    const forwarded = '203.0.113.77';
    const send = (body: string) =>
      new Promise<{ status: number; from: string | undefined }>((resolve, reject) => {
        const headers = { 'content-type': 'application/json', 'x-forwarded-for': forwarded, 'x-real-ip': forwarded, forwarded: `for=${forwarded}` };
        const req = request({ host: '127.0.0.1', port: collector.port, path: '/connect/telemetry', method: 'POST', localAddress: sender, headers }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, from: res.socket.localAddress });
        });
        req.on('error', reject);
        req.end(body);
      });
    const accepted = await send(JSON.stringify(payload));
    assert.equal(accepted.status, 204);
    assert.equal(accepted.from, sender, 'the server saw the report come from the sender’s address');
    assert.equal((await send('{}')).status, 400);
    const leaks = (bytes: string, where: string) => {
      assert.ok(bytes.includes(payload.id), `${where}: the report itself is there`);
      assert.ok(!bytes.includes(sender), `${where}: the sender’s address is not`);
      assert.ok(!bytes.includes(forwarded), `${where}: the forwarded address is not`);
    };
    // While the store is open, new rows sit in the write-ahead log beside the database.
    leaks(readFileSync(dbPath).toString('latin1') + readFileSync(`${dbPath}-wal`).toString('latin1'), 'database and WAL while open');
    await storage.close();
    leaks(readFileSync(dbPath).toString('latin1'), 'database after close');
    assert.ok(logs.some((line) => line.includes('report stored')) && logs.some((line) => line.includes('report refused')), 'both requests were logged');
    for (const address of [sender, forwarded]) assert.ok(!logs.join('').includes(address), `${address} in the logs`);
  });

  it('on close, finishes a request in flight before stopping', async (t) => {
    const s = await setup(t);
    const body = JSON.stringify(payload);
    let answered!: (status: number) => void;
    const status = new Promise<number>((resolve) => (answered = resolve));
    const req = request({ host: '127.0.0.1', port: s.collector.port, path: '/connect/telemetry', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      answered(res.statusCode ?? 0);
    });
    req.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = s.close();
    req.end(body.slice(10));
    assert.equal(await status, 204);
    await closing;
    assert.equal(await stored(s.storage), 1);
    await assert.rejects(fetch(s.url, { method: 'POST', body }));
  });
});
