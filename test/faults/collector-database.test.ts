/**
 * The collector against its database failing, on a PostgreSQL of the
 * suite's own: stopped with `-m immediate` and restarted under load with two
 * collectors sharing it; frozen with SIGSTOP; and signed reports replayed
 * across the two collectors or sent stale. Built binary, real HTTP.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import pg from 'pg';
import { reportBody, sleep, startCollect, startLoad, within, type RunningCollect } from './collector-fixtures.ts';
import { tempDir } from './helpers.ts';
import { ownPostgresForSuite } from './own-postgres.ts';

const DB_TIMEOUT_MS = 2_000;
/** An outage of a few seconds: long enough for every sender to meet it, short enough for CI. */
const OUTAGE_MS = 3_000;

const postgres = ownPostgresForSuite();

/** The instance IDs of every stored report. */
async function storedIds(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ instance_id: string }>('SELECT i.instance_id FROM reports r JOIN instances i ON i.id = r.instance');
    return new Set(rows.map((row) => row.instance_id));
  } finally {
    await client.end();
  }
}

const post = (collector: RunningCollect, body: string, type = 'application/json') =>
  fetch(collector.url, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(30_000) });

describe('collectors sharing a PostgreSQL that fails', { timeout: 240_000 }, () => {
  it('survive PostgreSQL stopped with -m immediate and restarted under load: 503 during, 204 again by themselves, nothing acknowledged lost', async (t) => {
    const own = postgres.server(t);
    if (!own) return;
    const url = await postgres.database(own, 'outage');
    const collectors = await Promise.all([0, 1].map(() => startCollect(['--db', url, '--db-timeout', `${DB_TIMEOUT_MS}ms`])));
    t.after(() => Promise.all(collectors.map((c) => c.stop())));
    const load = startLoad(collectors.map((c) => c.url), 8);
    t.after(() => load.stop());
    await within(20_000, () => load.acknowledged.length >= 200);
    await own.stop('immediate');
    const stoppedAt = Date.now();
    const readyDuringOutage = await Promise.all(collectors.map((c) => fetch(`${c.base}/readyz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 'no answer')));
    await sleep(OUTAGE_MS);
    const startingAt = Date.now();
    await own.start();
    const restartedAt = Date.now();
    const recovery = await Promise.all(collectors.map((_, i) => within(30_000, () => load.answers.some((a) => a.target === i && a.at > restartedAt && a.status === 204))));
    await sleep(1_000);
    await load.stop();

    // Answered while the server was down for sure: after pg_ctl stop returned, before pg_ctl start began.
    const during = load.answers.filter((a) => a.at > stoppedAt + 100 && a.at < startingAt);
    const statuses = (answers: typeof load.answers) => [...new Set(answers.map((a) => a.status))].sort();
    t.diagnostic(`outage ${restartedAt - stoppedAt} ms (down ${startingAt - stoppedAt} ms, then starting); answers while down: ${during.length} (${statuses(during).join(', ')}); back to 204 after ${recovery.join(' and ')} ms`);
    assert.deepEqual(readyDuringOutage, [503, 503]);
    for (const i of [0, 1]) {
      const mine = during.filter((a) => a.target === i);
      assert.ok(mine.length > 0 && mine.every((a) => a.status === 503 && a.retryAfter === '30'), `collector ${i} during the outage: ${JSON.stringify(statuses(mine))}`);
    }
    assert.deepEqual(load.answers.filter((a) => a.status === 'network error' || (a.status !== 204 && a.status !== 503)), [], 'no crash, no reset, no other answer');
    assert.ok(collectors.every((c) => c.alive()), 'both collectors are still running');
    assert.ok(recovery.every((ms) => ms < 15_000), `recovered after ${recovery.join(', ')} ms`);

    const stored = await storedIds(url);
    const lost = load.acknowledged.filter((id) => !stored.has(id));
    t.diagnostic(`acknowledged ${load.acknowledged.length}, found ${load.acknowledged.length - lost.length}, answers ${load.answers.length}`);
    assert.deepEqual(lost, [], `${lost.length} acknowledged reports are missing`);
    assert.deepEqual(await Promise.all(collectors.map((c) => c.stop())), [0, 0]);
    const errors = collectors.flatMap((c) => c.logs).filter((line) => Number(line['level']) >= 50);
    assert.deepEqual(errors, [], 'an outage is a warning, not an error');
  });

  it('answer 503 within the deadline while PostgreSQL is frozen, store nothing of it, and take reports again once it thaws', async (t) => {
    const own = postgres.server(t);
    if (!own) return;
    const url = await postgres.database(own, 'frozen');
    const collector = await startCollect(['--db', url, '--db-timeout', `${DB_TIMEOUT_MS}ms`]);
    t.after(() => collector.stop());
    assert.equal((await post(collector, reportBody())).status, 204);
    const during = '0f0f0f0f-1111-4222-8333-444444444444';
    own.freeze();
    let frozenPost: { status: number; ms: number; retryAfter: string | null };
    let frozenReady: { status: number; ms: number };
    try {
      const postStarted = Date.now();
      const response = await post(collector, reportBody(during));
      frozenPost = { status: response.status, ms: Date.now() - postStarted, retryAfter: response.headers.get('retry-after') };
      const readyStarted = Date.now();
      frozenReady = { status: (await fetch(`${collector.base}/readyz`, { signal: AbortSignal.timeout(30_000) })).status, ms: Date.now() - readyStarted };
    } finally {
      own.thaw();
    }
    const thawedAt = Date.now();
    const back = await within(30_000, async () => (await post(collector, reportBody())).status === 204);
    t.diagnostic(`frozen: POST ${frozenPost.status} after ${frozenPost.ms} ms, /readyz ${frozenReady.status} after ${frozenReady.ms} ms; 204 again ${Date.now() - thawedAt} ms after thawing`);
    assert.equal(frozenPost.status, 503);
    assert.equal(frozenPost.retryAfter, '30');
    assert.ok(frozenPost.ms < DB_TIMEOUT_MS + 3_000, `POST answered after ${frozenPost.ms} ms (deadline ${DB_TIMEOUT_MS} ms)`);
    assert.equal(frozenReady.status, 503);
    assert.ok(frozenReady.ms < 2_000 + 3_000, `/readyz answered after ${frozenReady.ms} ms`);
    assert.ok(back < 15_000);
    await sleep(1_000);
    assert.equal((await storedIds(url)).has(during), false, 'the report answered 503 was not committed after the thaw');
    assert.ok(collector.alive());
  });

  it('acknowledge a token replayed to both collectors but store it once, and refuse expired, early and stale tokens', async (t) => {
    const own = postgres.server(t);
    if (!own) return;
    const url = await postgres.database(own, 'tokens');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(tempDir(t), 'key.pem');
    writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const collectors = await Promise.all([0, 1].map(() => startCollect(['--db', url, '--public-key', keyFile, '--max-token-age', '1h'])));
    t.after(() => Promise.all(collectors.map((c) => c.stop())));
    const signAt = (id: string, times: Record<string, number>) =>
      new SignJWT({ ...(JSON.parse(reportBody(id)) as Record<string, unknown>), ...times }).setProtectedHeader({ alg: 'RS256' }).sign(keys.privateKey);

    const replayed = await signAt('10000000-0000-4000-8000-000000000001', {});
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(collectors[i % 2] as RunningCollect, replayed, 'text/plain').then((r) => r.status)));
    assert.deepEqual(new Set(statuses), new Set([204]));

    const now = Math.floor(Date.now() / 1000);
    const refused = {
      expired: await signAt('10000000-0000-4000-8000-000000000002', { exp: now - 3600 }),
      early: await signAt('10000000-0000-4000-8000-000000000003', { nbf: now + 3600 }),
      stale: await signAt('10000000-0000-4000-8000-000000000004', { iat: now - 2 * 3600 }),
    };
    for (const [what, token] of Object.entries(refused)) {
      const response = await post(collectors[0] as RunningCollect, token, 'text/plain');
      assert.equal(response.status, 401, what);
    }
    const fresh = await signAt('10000000-0000-4000-8000-000000000005', { iat: now, exp: now + 3600 });
    assert.equal((await post(collectors[1] as RunningCollect, fresh, 'text/plain')).status, 204);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ instance_id: string; n: string }>('SELECT i.instance_id, COUNT(*) AS n FROM reports r JOIN instances i ON i.id = r.instance GROUP BY i.instance_id ORDER BY i.instance_id');
    await client.end();
    assert.deepEqual(rows.map((row) => `${row.instance_id}×${row.n}`), ['10000000-0000-4000-8000-000000000001×1', '10000000-0000-4000-8000-000000000005×1']);
  });
});
