/**
 * The collector facing its database: readiness, 503 with Retry-After while
 * the store is unavailable, replays acknowledged but stored once, and the
 * per-instance rate limit.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { StorageUnavailableError } from '../../src/collector/storage/storage-unavailable.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import { countReports, logsAtLeast, postReport, startTestCollector } from '../helpers/collector-server.ts';

const report = (id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301', uptime = 90) =>
  JSON.stringify({ id, uptime, components: [{ type: 'input', name: 'generate' }, { type: 'output', name: 'acme_private_sink' }] });

/** A store whose writes and pings fail or hang while `state.mode` says so. */
function faulty(state: { mode: 'up' | 'down' | 'frozen' }) {
  return (storage: Storage): Storage => {
    const gate = <T>(real: () => Promise<T>): Promise<T> =>
      state.mode === 'up' ? real() : state.mode === 'down' ? Promise.reject(new StorageUnavailableError('the database is unavailable (connect ECONNREFUSED)')) : new Promise<T>(() => undefined);
    return { ...storage, store: (...args) => gate(() => storage.store(...args)), ping: () => gate(() => storage.ping()) };
  };
}

describe('the collector and its database', () => {
  it('answers /readyz 200 while the database answers, 503 when it fails or does not answer in time', async (t) => {
    const state: { mode: 'up' | 'down' | 'frozen' } = { mode: 'up' };
    const { collector } = await startTestCollector(t, { wrap: faulty(state) });
    const readyz = `http://127.0.0.1:${collector.port}/readyz`;
    const up = await fetch(readyz);
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { status: 'ready', storage: 'sqlite' });
    state.mode = 'down';
    assert.equal((await fetch(readyz)).status, 503);
    state.mode = 'frozen';
    const started = Date.now();
    const frozen = await fetch(readyz);
    assert.equal(frozen.status, 503);
    assert.deepEqual(await frozen.json(), { status: 'database unavailable', storage: 'sqlite' });
    assert.ok(Date.now() - started < 10_000, 'the probe got an answer instead of hanging');
    // Liveness does not depend on the database.
    assert.equal((await fetch(`http://127.0.0.1:${collector.port}/healthz`)).status, 200);
  });

  it('answers 503 with Retry-After while the store is unavailable, logs the outage once, and stores again once it is back', async (t) => {
    const state: { mode: 'up' | 'down' | 'frozen' } = { mode: 'down' };
    const { url, storage, logs } = await startTestCollector(t, { wrap: faulty(state) });
    for (let i = 0; i < 3; i++) {
      const response = await postReport(url, report(undefined, 90 + i));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '30');
    }
    const warnings = logsAtLeast(logs, 40);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(String(warnings[0]?.['msg']), /database unavailable/);
    assert.ok(!JSON.stringify(warnings).includes('"stack"'));
    state.mode = 'up';
    assert.equal((await postReport(url, report())).status, 204);
    assert.equal(await countReports(storage), 1);
    assert.ok(logs.some((line) => line.includes('database available again')));
  });

  it('acknowledges a replayed token with 204 but stores it once', async (t) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { url, storage } = await startTestCollector(t, { keys: [publicKey.export({ type: 'spki', format: 'pem' }).toString()] });
    const token = await new SignJWT(JSON.parse(report()) as Record<string, unknown>).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => postReport(url, token, 'text/plain').then((r) => r.status)));
    assert.deepEqual(statuses, [204, 204, 204, 204, 204]);
    assert.equal((await postReport(url, `${token}\n`, 'text/plain')).status, 204);
    assert.equal(await countReports(storage), 1);
    // Another report of the same instance is a new token, and is stored.
    const next = await new SignJWT(JSON.parse(report(undefined, 91)) as Record<string, unknown>).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    assert.equal((await postReport(url, next, 'text/plain')).status, 204);
    assert.equal(await countReports(storage), 2);
  });

  it('with a rate limit, stores one report per instance per interval and answers 429 with Retry-After', async (t) => {
    let now = Date.UTC(2025, 0, 31);
    const { url, storage } = await startTestCollector(t, { rateLimitMs: 60_000, now: () => now });
    assert.equal((await postReport(url, report(undefined, 1))).status, 204);
    now += 15_000;
    const limited = await postReport(url, report(undefined, 2));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '45');
    assert.equal((await postReport(url, report('0a6c2b8e-1f3d-4c5e-9a7b-000000000002', 2))).status, 204, 'another instance is not held back');
    now += 45_000;
    assert.equal((await postReport(url, report(undefined, 3))).status, 204);
    assert.equal(await countReports(storage), 3);
  });

  it('gives the rate-limit slot back when the report could not be stored', async (t) => {
    const state: { mode: 'up' | 'down' | 'frozen' } = { mode: 'down' };
    const { url } = await startTestCollector(t, { rateLimitMs: 60_000, wrap: faulty(state) });
    assert.equal((await postReport(url, report())).status, 503);
    state.mode = 'up';
    assert.equal((await postReport(url, report())).status, 204);
  });

  it('stores a name the catalogue does not know as unknown, never as sent', async (t) => {
    const { url, storage } = await startTestCollector(t);
    assert.equal((await postReport(url, report())).status, 204);
    const names = (await storage.query('SELECT type, name FROM plugins ORDER BY type, name')).map((row) => `${String(row['type'])}/${String(row['name'])}`);
    assert.deepEqual(names, ['input/generate', 'output/unknown']);
    // The report's set holds only those two; nothing stored names the private plugin.
    const stored = await storage.query('SELECT p.name FROM reports r JOIN set_plugins s ON s.set_id = r.set_id JOIN plugins p ON p.id = s.plugin_id ORDER BY p.name');
    assert.deepEqual(stored.map((row) => String(row['name'])), ['generate', 'unknown']);
  });
});
