import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { analyse } from '../../src/analysis/analyse.ts';
import { leastCount } from '../../src/analysis/pairings.ts';
import type { AnalysisOptions, Pairing } from '../../src/analysis/report-model.ts';
import { openPostgresStorage } from '../../src/collector/storage/postgres-storage.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { DAY, freshPostgres, NOW, storeFleet, tempDir } from '../helpers/fleet.ts';
import { STORAGE_BACKENDS } from '../helpers/storage-backends.ts';

const BASE: AnalysisOptions = { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0.01, minConfidence: 0, limit: 0 };

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;
function assertPair(actual: Pairing | undefined, expected: { if: string; then: string; instances: number; support: number; confidence: number; lift: number }) {
  assert.ok(actual, `pair ${expected.if} ⇒ ${expected.then} is missing`);
  assert.equal(`${actual.if.type}/${actual.if.name}`, expected.if);
  assert.equal(`${actual.then.type}/${actual.then.name}`, expected.then);
  assert.equal(actual.instances, expected.instances);
  assert.ok(close(actual.support, expected.support), `support ${actual.support} ≠ ${expected.support}`);
  assert.ok(close(actual.confidence, expected.confidence), `confidence ${actual.confidence} ≠ ${expected.confidence}`);
  assert.ok(close(actual.lift, expected.lift), `lift ${actual.lift} ≠ ${expected.lift}`);
}


for (const [label, open] of STORAGE_BACKENDS) {
  describe(`analyse over ${label}`, () => {
    const withFleet = async (t: TestContext) => {
      const storage = await open(t);
      if (storage) {
        t.after(() => storage.close());
        await storeFleet(storage);
      }
      return storage;
    };

    it('counts instances, share and occurrences per plugin from each active instance’s latest report', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, BASE);
      // A, B, C, D are active; E's latest report is 40 days old.
      assert.equal(a.instances, 4);
      assert.deepEqual(
        a.plugins.map((p) => [`${p.type}/${p.name}`, p.instances, p.share, p.occurrences]),
        [
          ['input/kafka', 3, 3 / 4, 3],
          ['output/aws_s3', 3, 3 / 4, 3],
          ['processor/mapping', 2, 2 / 4, 3], // A holds two
          ['processor/mutation', 2, 2 / 4, 2],
          ['input/http_server', 1, 1 / 4, 1],
          ['output/kafka', 1, 1 / 4, 1],
        ],
      );
      // B's older report used output/stdout; only the latest counts.
      assert.ok(!a.plugins.some((p) => p.name === 'stdout'));
    });

    it('answers "output aws_s3 ⇒ processor mutation" directly', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, plugin: { type: 'output', name: 'aws_s3' }, then: { type: 'processor', name: 'mutation' } });
      assert.equal(a.pairs.length, 1);
      // Both: A and C of 4; aws_s3 on A, B, C; mutation on A, C.
      assertPair(a.pairs[0], { if: 'output/aws_s3', then: 'processor/mutation', instances: 2, support: 2 / 4, confidence: 2 / 3, lift: (2 * 4) / (3 * 2) });
    });

    it('answers a direct question about plugins never seen together with zeros', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, minSupport: 0.9, minConfidence: 0.9, plugin: { type: 'output', name: 'kafka' }, then: { type: 'processor', name: 'mutation' } });
      assertPair(a.pairs[0], { if: 'output/kafka', then: 'processor/mutation', instances: 0, support: 0, confidence: 0, lift: 0 });
    });

    it('lists what goes with one plugin, most common first', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, plugin: { type: 'output', name: 'aws_s3' } });
      const s3 = 'output/aws_s3';
      assert.equal(a.pairs.length, 4);
      // Ties on instances and confidence: higher lift first, then by name.
      assertPair(a.pairs[0], { if: s3, then: 'processor/mapping', instances: 2, support: 0.5, confidence: 2 / 3, lift: 8 / 6 });
      assertPair(a.pairs[1], { if: s3, then: 'processor/mutation', instances: 2, support: 0.5, confidence: 2 / 3, lift: 8 / 6 });
      assertPair(a.pairs[2], { if: s3, then: 'input/kafka', instances: 2, support: 0.5, confidence: 2 / 3, lift: 8 / 9 });
      assertPair(a.pairs[3], { if: s3, then: 'input/http_server', instances: 1, support: 0.25, confidence: 1 / 3, lift: 4 / 3 });
    });

    it('keeps only the rules that reach the support and confidence thresholds', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, minSupport: 0.5, minConfidence: 0.9 });
      // Pairs on ≥ 2 of 4 instances: kafka–aws_s3, kafka–mapping, aws_s3–mapping, aws_s3–mutation;
      // of their 8 directions only those from mapping and mutation have confidence 1.
      assert.equal(a.pairs.length, 3);
      assertPair(a.pairs[0], { if: 'processor/mapping', then: 'input/kafka', instances: 2, support: 0.5, confidence: 1, lift: 8 / 6 });
      assertPair(a.pairs[1], { if: 'processor/mapping', then: 'output/aws_s3', instances: 2, support: 0.5, confidence: 1, lift: 8 / 6 });
      assertPair(a.pairs[2], { if: 'processor/mutation', then: 'output/aws_s3', instances: 2, support: 0.5, confidence: 1, lift: 8 / 6 });
    });

    it('lists every pair in both directions when no threshold applies, and honours the limit', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const all = await analyse(storage, BASE);
      // Unordered pairs within A (4 distinct: 6), B (3: 3), C (3: 3), D (2: 1), merged:
      // kafka–mapping, kafka–aws_s3, kafka–mutation, mapping–aws_s3, mapping–mutation, aws_s3–mutation,
      // http_server–mutation, http_server–aws_s3, kafka–output kafka → 9 pairs, 18 rules.
      assert.equal(all.pairs.length, 18);
      // Most telling first: http_server (1 instance) always comes with mutation (2 of 4): lift 1×4/(1×2) = 2.
      assertPair(all.pairs[0], { if: 'input/http_server', then: 'processor/mutation', instances: 1, support: 0.25, confidence: 1, lift: 2 });
      assertPair(all.pairs[1], { if: 'processor/mutation', then: 'input/http_server', instances: 1, support: 0.25, confidence: 0.5, lift: 2 });
      for (let i = 1; i < all.pairs.length; i++) assert.ok(all.pairs[i - 1]!.lift >= all.pairs[i]!.lift - 1e-12, 'sorted by lift');
      const limited = await analyse(storage, { ...BASE, limit: 5 });
      assert.deepEqual(limited.pairs, all.pairs.slice(0, 5));
    });

    it('leaves out instances below the minimum uptime', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, minUptimeSeconds: 3600 });
      // A (120s) drops out: B, C, D remain.
      assert.equal(a.instances, 3);
      const kafka = a.plugins.find((p) => p.type === 'input' && p.name === 'kafka');
      assert.deepEqual(kafka && [kafka.instances, kafka.share], [2, 2 / 3]);
      const mapping = a.plugins.find((p) => p.name === 'mapping');
      assert.deepEqual(mapping && [mapping.instances, mapping.occurrences], [1, 1]);
    });

    it('describes the fleet: instances per day, uptime and platforms', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const { fleet, window } = await analyse(storage, BASE);
      assert.equal(window.from, '2025-01-01T12:00:00.000Z');
      assert.equal(window.to, '2025-01-31T12:00:00.000Z');
      assert.equal(window.duration, '30d');
      // D on the 21st; B (older report) on the 28th; A on the 29th; A and B on the 30th; C on the 31st.
      assert.deepEqual(fleet.daily, [
        { day: '2025-01-21', instances: 1 },
        { day: '2025-01-28', instances: 1 },
        { day: '2025-01-29', instances: 1 },
        { day: '2025-01-30', instances: 2 },
        { day: '2025-01-31', instances: 1 },
      ]);
      assert.equal(fleet.reports, 6);
      assert.deepEqual(fleet.uptime.buckets.map((b) => b.instances), [1, 1, 1, 0, 1]);
      // Uptimes 120, 7200, 200000, 3000000: the lower median.
      assert.equal(fleet.uptime.median, 7200);
      assert.deepEqual(fleet.platforms, [
        { os: 'linux', arch: 'amd64', instances: 2 },
        { os: 'darwin', arch: 'arm64', instances: 1 },
        { os: 'linux', arch: 'arm64', instances: 1 },
      ]);
    });

    it('reports nothing, without failing, for an empty window', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const a = await analyse(storage, { ...BASE, now: NOW - 100 * DAY });
      assert.equal(a.instances, 0);
      assert.deepEqual(a.plugins, []);
      assert.deepEqual(a.pairs, []);
      assert.equal(a.fleet.uptime.median, null);
    });
  });
}

describe('SQLite and PostgreSQL', () => {
  it('give identical reports on the same fleet', async (t) => {
    const url = await freshPostgres(t);
    if (url === undefined) return;
    const sqlite = await openSqliteStorage(join(tempDir(t), 'c.db'));
    const postgres = await openPostgresStorage(url);
    t.after(async () => {
      await sqlite.close();
      await postgres.close();
    });
    await storeFleet(sqlite);
    await storeFleet(postgres);
    for (const options of [BASE, { ...BASE, minUptimeSeconds: 3600 }, { ...BASE, plugin: { type: 'input', name: 'kafka' } }, { ...BASE, minSupport: 0.5 }]) {
      assert.deepEqual(await analyse(postgres, options), await analyse(sqlite, options));
    }
  });
});

describe('leastCount', () => {
  it('turns a share into the least whole number of instances that reaches it', () => {
    assert.equal(leastCount(0.3, 10), 3);
    assert.equal(leastCount(0.31, 10), 4);
    assert.equal(leastCount(0, 10), 1);
    assert.equal(leastCount(1, 7), 7);
  });
});
