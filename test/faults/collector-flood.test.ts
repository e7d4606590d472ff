/**
 * The distinct-names flood: reports full of made-up plugin names, sent to a
 * collector on a PostgreSQL of the suite's own, on top of a 500-instance
 * fleet. Once, 27,500 names in one report took `report` from a fraction of a
 * second to minutes and the collector to gigabytes. Now a report may name
 * at most 128 distinct components and a name the catalogue does not know is
 * stored as `unknown`, so the distinct plugins stay within the catalogue and
 * `report` visits at most 128·127/2 pairs per instance. The bounds asserted
 * (`report` under 30 s, collector peak RSS under 300 MiB) are generous: the
 * figures measured are in docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { CATEGORIES } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { memoryOf, startCollect } from './collector-fixtures.ts';
import { BIN, ROOT } from './helpers.ts';
import { ownPostgresForSuite } from './own-postgres.ts';

const REPORT_LIMIT_MS = 30_000;
const RSS_LIMIT_MIB = 300;

const postgres = ownPostgresForSuite();

/** `report --format json` on the database: its answer and how long it took. */
function timedReport(db: string): { json: { instances: number; plugins: { type: string; name: string }[] }; ms: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, result.stderr);
  return { json: JSON.parse(result.stdout) as { instances: number; plugins: { type: string; name: string }[] }, ms: Date.now() - started };
}

const post = (url: string, components: { type: string; name: string }[]) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: randomUUID(), uptime: 60, components }) }).then((r) => r.status);

/** Runs `send` for 0…n-1, eight at a time; returns the statuses seen and how often. */
async function sendMany(n: number, send: (i: number) => Promise<number>): Promise<Record<number, number>> {
  const seen: Record<number, number> = {};
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) {
      const status = await send(next++);
      seen[status] = (seen[status] ?? 0) + 1;
    }
  }));
  return seen;
}

const madeUp = (count: number, tag: string) => Array.from({ length: count }, (_, i) => ({ type: CATEGORIES[i % CATEGORIES.length] as string, name: `made_up_${tag}_${i}` }));

describe('a collector flooded with distinct made-up plugin names', { timeout: 300_000 }, () => {
  it('stores them as unknown, refuses a report naming 27,500, and keeps report time and its memory bounded', async (t) => {
    const own = postgres.server(t);
    if (!own) return;
    const db = await postgres.database(own, 'flood');
    const collector = await startCollect(['--db', db, '--max-body', '2mb']);
    t.after(() => collector.stop());

    const simulated = spawnSync(process.execPath, [BIN, 'simulate', '--endpoint', collector.url, '--instances', '500'], { cwd: ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
    assert.equal(simulated.status, 0, simulated.stderr);
    const baseline = timedReport(db);
    assert.equal(baseline.json.instances, 500);
    const rssBefore = memoryOf(collector.child.pid as number);

    // One report naming 27,500 made-up plugins (about 1 MB): refused outright.
    const huge = await sendMany(5, () => post(collector.url, madeUp(27_500, randomUUID().slice(0, 8))));
    assert.deepEqual(huge, { 400: 5 });
    // 500 instances naming 128 made-up plugins each (64,000 names): taken, stored as unknown.
    const flood = await sendMany(500, (i) => post(collector.url, madeUp(128, `i${i}`)));
    assert.deepEqual(flood, { 204: 500 });
    const afterMadeUp = timedReport(db);
    // 200 instances naming 128 catalogue plugins each: the costliest reports `report` can be given.
    const catalogue = bundledCatalogue();
    const known = CATEGORIES.flatMap((type) => catalogue.componentsOf(type).map((name) => ({ type, name })));
    const widest = await sendMany(200, (i) => post(collector.url, Array.from({ length: 128 }, (_, j) => known[(i * 7 + j) % known.length] as { type: string; name: string })));
    assert.deepEqual(widest, { 204: 200 });

    const flooded = timedReport(db);
    const rssAfter = memoryOf(collector.child.pid as number);
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    const plugins = Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM plugins')).rows[0]?.n);
    await client.end();
    t.diagnostic(`report: ${baseline.ms} ms on 500 instances, ${afterMadeUp.ms} ms with 500 more naming 128 made-up plugins each, ${flooded.ms} ms with 200 more naming 128 catalogue plugins each (${flooded.json.instances} instances); plugins stored ${plugins} (catalogue ${catalogue.size()}); collector RSS ${rssBefore.rssMiB.toFixed(0)} → ${rssAfter.rssMiB.toFixed(0)} MiB, peak ${rssAfter.peakMiB.toFixed(0)} MiB`);

    assert.equal(flooded.json.instances, 1200);
    assert.ok(plugins <= catalogue.size() + CATEGORIES.length, `${plugins} distinct plugins stored`);
    assert.ok(flooded.json.plugins.every((p) => !p.name.startsWith('made_up_')), 'no made-up name is stored or reported');
    assert.ok(flooded.json.plugins.some((p) => p.name === 'unknown'));
    assert.equal(afterMadeUp.json.instances, 1000);
    assert.ok(afterMadeUp.ms < REPORT_LIMIT_MS && flooded.ms < REPORT_LIMIT_MS, `report took ${afterMadeUp.ms} and ${flooded.ms} ms`);
    assert.ok(rssAfter.peakMiB < RSS_LIMIT_MIB, `collector peak RSS ${rssAfter.peakMiB} MiB`);
    assert.ok(collector.alive());
  });
});
