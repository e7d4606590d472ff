import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { numberPlaceholders, openPostgresStorage } from '../../../src/collector/storage/postgres-storage.ts';
import { openSqliteStorage } from '../../../src/collector/storage/sqlite-storage.ts';
import { isPostgresUrl } from '../../../src/collector/storage/open-storage.ts';
import { countComponents, SCHEMA_VERSION } from '../../../src/collector/storage/report-rows.ts';
import type { Storage } from '../../../src/collector/storage/storage.ts';
import { DAY, freshPostgres, HOUR, IDS, NOW, report, tempDir } from '../../helpers/fleet.ts';

type Opener = (t: TestContext) => Promise<{ open: () => Promise<Storage> } | undefined>;

const openers: [string, Opener][] = [
  [
    'SQLite',
    async (t) => {
      const path = join(tempDir(t), 'nested', 'c.db');
      return { open: () => openSqliteStorage(path) };
    },
  ],
  [
    'PostgreSQL',
    async (t) => {
      const url = await freshPostgres(t);
      return url === undefined ? undefined : { open: () => openPostgresStorage(url) };
    },
  ],
];

const one = async (storage: Storage, sql: string, params: (string | number)[] = []) => Number(Object.values((await storage.query(sql, params))[0] ?? {})[0]);
const componentsOf = async (storage: Storage, id: string) =>
  (
    await storage.query(
      `SELECT p.type AS type, p.name AS name, c.occurrences AS occurrences
       FROM instances i JOIN set_plugins c ON c.set_id = i.set_id JOIN plugins p ON p.id = c.plugin_id
       WHERE i.instance_id = ? ORDER BY p.type, p.name`,
      [id],
    )
  ).map((r) => `${String(r['type'])}/${String(r['name'])}×${Number(r['occurrences'])}`);

/** The store under test, closed after the test; undefined when the test was skipped. */
async function openedStore(opener: Opener, t: TestContext): Promise<Storage | undefined> {
  const db = await opener(t);
  if (!db) return undefined;
  const storage = await db.open();
  t.after(() => storage.close());
  return storage;
}

for (const [label, opener] of openers) {
  describe(`${label} storage`, () => {
    it('creates its schema, and opens an existing database without migrating twice', async (t) => {
      const db = await opener(t);
      if (!db) return;
      const first = await db.open();
      await first.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), NOW);
      await first.close();
      const second = await db.open();
      t.after(() => second.close());
      assert.equal(await one(second, 'SELECT MAX(version) FROM schema_version'), SCHEMA_VERSION);
      assert.equal(await one(second, 'SELECT COUNT(*) FROM schema_version'), SCHEMA_VERSION);
      assert.equal(await one(second, 'SELECT COUNT(*) FROM reports'), 1);
    });

    it('keeps every report, and the latest per instance with its components counted', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      await storage.store(report(IDS.a, 10, ['input/kafka', 'output/stdout'], 'linux', 'amd64'), NOW - DAY);
      await storage.store(report(IDS.a, 20, ['input/kafka', 'processor/mapping', 'processor/mapping', 'output/aws_s3'], 'linux', 'arm64'), NOW);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports r JOIN instances i ON i.id = r.instance WHERE i.instance_id = ?', [IDS.a]), 2);
      assert.equal(await one(storage, 'SELECT uptime FROM instances WHERE instance_id = ?', [IDS.a]), 20);
      assert.equal(await one(storage, 'SELECT first_seen_at FROM instances WHERE instance_id = ?', [IDS.a]), NOW - DAY);
      assert.deepEqual(await componentsOf(storage, IDS.a), ['input/kafka×1', 'output/aws_s3×1', 'processor/mapping×2']);
    });

    it('does not let a late, older report replace the latest', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      await storage.store(report(IDS.b, 500, ['input/kafka'], 'linux', 'amd64'), NOW);
      await storage.store(report(IDS.b, 400, ['input/amqp_1'], 'linux', 'amd64'), NOW - 1000);
      assert.equal(await one(storage, 'SELECT uptime FROM instances WHERE instance_id = ?', [IDS.b]), 500);
      assert.deepEqual(await componentsOf(storage, IDS.b), ['input/kafka×1']);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 2);
    });

    it('stores a report with a token once, and answers replay for the same token after', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      const token = { digest: 'a'.repeat(64), expiresAt: null };
      assert.equal(await storage.store(report(IDS.a, 10, ['input/kafka'], 'linux', 'amd64'), NOW, token), 'stored');
      assert.equal(await storage.store(report(IDS.a, 10, ['input/kafka'], 'linux', 'amd64'), NOW + 1000, token), 'replay');
      assert.equal(await storage.store(report(IDS.a, 11, ['input/kafka'], 'linux', 'amd64'), NOW + 2000, { digest: 'b'.repeat(64), expiresAt: null }), 'stored');
      assert.equal(await storage.store(report(IDS.a, 12, ['input/kafka'], 'linux', 'amd64'), NOW + 3000), 'stored');
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 3);
      assert.equal(await one(storage, 'SELECT last_seen_at FROM instances'), NOW + 3000);
    });

    it('prunes old reports and the instances not seen since, keeping the latest report of every instance seen since', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      const cutoff = NOW - 7 * DAY;
      // a: seen since the cutoff; b: last seen before it; c: seen exactly at it.
      await storage.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), NOW - 10 * DAY, { digest: '1'.repeat(64), expiresAt: null });
      await storage.store(report(IDS.a, 2, ['input/kafka'], 'linux', 'amd64'), NOW - 8 * DAY);
      await storage.store(report(IDS.a, 3, ['input/kafka', 'output/stdout'], 'linux', 'amd64'), NOW - DAY, { digest: '2'.repeat(64), expiresAt: NOW + HOUR });
      await storage.store(report(IDS.b, 1, ['input/amqp_1'], 'linux', 'amd64'), NOW - 20 * DAY);
      await storage.store(report(IDS.b, 2, ['input/amqp_1', 'output/kafka'], 'linux', 'amd64'), NOW - 9 * DAY);
      await storage.store(report(IDS.c, 1, ['input/generate'], 'linux', 'amd64'), cutoff, { digest: '3'.repeat(64), expiresAt: NOW - 1000 });
      // Activity rows of periods that ended by the cutoff's day (Fri 2025-01-24): the days
      // a Jan 21 and Jan 23, b Jan 11 and Jan 22, and b's week of Mon Jan 6.
      assert.deepEqual(await storage.prune({ before: cutoff, now: NOW }), { reports: 4, instances: 1, activity: 5, tokens: 2 });
      const ids = (await storage.query('SELECT instance_id FROM instances ORDER BY instance_id')).map((row) => String(row['instance_id']));
      assert.deepEqual(ids, [IDS.a, IDS.c].sort());
      const kept = (await storage.query('SELECT i.instance_id, r.received_at FROM reports r JOIN instances i ON i.id = r.instance ORDER BY r.received_at')).map((row) => `${String(row['instance_id'])}@${Number(row['received_at'])}`);
      assert.deepEqual(kept, [`${IDS.c}@${cutoff}`, `${IDS.a}@${NOW - DAY}`]);
      assert.deepEqual(await componentsOf(storage, IDS.a), ['input/kafka×1', 'output/stdout×1']);
      // The rollups stay: b's days and weeks are still counted for trends.
      assert.equal(await one(storage, "SELECT COUNT(*) FROM set_activity WHERE span_days = 1 AND day = ?", [Math.floor((NOW - 20 * DAY) / DAY)]), 1);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM seen_tokens'), 1);
      // 11 activity rows (6 days, 5 weeks) less the 5 pruned.
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM instance_activity'), 6);
      // Pruning again finds nothing.
      assert.deepEqual(await storage.prune({ before: cutoff, now: NOW }), { reports: 0, instances: 0, activity: 0, tokens: 0 });
    });

    it('without a cutoff, only forgets token digests that expired', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      await storage.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), NOW - 400 * DAY, { digest: '1'.repeat(64), expiresAt: null });
      await storage.store(report(IDS.a, 2, ['input/kafka'], 'linux', 'amd64'), NOW - DAY, { digest: '2'.repeat(64), expiresAt: NOW - 1 });
      assert.deepEqual(await storage.prune({ now: NOW }), { reports: 0, instances: 0, activity: 0, tokens: 1 });
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 2);
    });

    it('prunes more reports than one batch holds', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      const ids = Array.from({ length: 1100 }, (_, i) => `1b6c2b8e-1f3d-4c5e-9a7b-${String(i).padStart(12, '0')}`);
      await Promise.all(ids.map((id, i) => storage.store(report(id, i, ['input/generate'], 'linux', 'amd64'), NOW - 30 * DAY - i)));
      await storage.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), NOW);
      // Their day (Wed 2025-01-01) and week (from Mon 2024-12-30) ended before the cutoff; a's have not.
      assert.deepEqual(await storage.prune({ before: NOW - DAY, now: NOW }), { reports: 1100, instances: 1100, activity: 2200, tokens: 0 });
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM instance_activity'), 2);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 1);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM instances'), 1);
    });

    it('answers a ping', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      await storage.ping();
    });

    it('stores each distinct component set once, whatever order a report lists it in, and reports as references to it', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      await storage.store(report(IDS.a, 1, ['input/kafka', 'processor/mapping', 'processor/mapping', 'output/aws_s3'], 'linux', 'amd64'), NOW - 2 * DAY);
      await storage.store(report(IDS.b, 1, ['processor/mapping', 'output/aws_s3', 'processor/mapping', 'input/kafka'], 'linux', 'amd64'), NOW - DAY);
      await storage.store(report(IDS.a, 2, ['input/kafka', 'processor/mapping', 'output/aws_s3', 'processor/mapping'], 'linux', 'amd64'), NOW);
      // One more occurrence makes another set.
      await storage.store(report(IDS.c, 1, ['input/kafka', 'processor/mapping', 'output/aws_s3'], 'linux', 'amd64'), NOW);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM component_sets'), 2);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM hosts'), 1);
      assert.equal(await one(storage, 'SELECT COUNT(DISTINCT set_id) FROM reports'), 2);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 4);
      assert.deepEqual(await componentsOf(storage, IDS.b), ['input/kafka×1', 'output/aws_s3×1', 'processor/mapping×2']);
    });

    it('keeps one activity row per instance per day and per week, and counters per period and set', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      // NOW is Friday 2025-01-31 12:00 UTC: its week began on Monday 2025-01-27.
      const friday = Math.floor(NOW / DAY);
      const monday = friday - 4;
      await storage.store(report(IDS.a, 10, ['input/kafka'], 'linux', 'amd64'), NOW - 4 * DAY); // Monday, set kafka
      await storage.store(report(IDS.a, 20, ['input/kafka'], 'linux', 'amd64'), NOW - HOUR); // Friday 11:00, set kafka
      await storage.store(report(IDS.a, 30, ['input/amqp_1'], 'linux', 'amd64'), NOW); // Friday 12:00, set amqp
      await storage.store(report(IDS.a, 15, ['input/generate'], 'linux', 'amd64'), NOW - 2 * HOUR); // late: Friday 10:00, older than the latest
      await storage.store(report(IDS.b, 5, ['input/kafka'], 'linux', 'amd64'), NOW); // Friday, set kafka
      const activity = await storage.query(
        `SELECT a.span_days, a.day, i.instance_id, a.uptime, a.first_at, a.last_at, a.reports FROM instance_activity a JOIN instances i ON i.id = a.instance
         ORDER BY a.span_days, a.day, i.instance_id`,
      );
      assert.deepEqual(
        activity.map((r) => [Number(r['span_days']), Number(r['day']), r['instance_id'], Number(r['uptime']), Number(r['first_at']), Number(r['last_at']), Number(r['reports'])]),
        [
          [1, monday, IDS.a, 10, NOW - 4 * DAY, NOW - 4 * DAY, 1],
          [1, friday, IDS.a, 30, NOW - 2 * HOUR, NOW, 3],
          [1, friday, IDS.b, 5, NOW, NOW, 1],
          [7, monday, IDS.a, 30, NOW - 4 * DAY, NOW, 4],
          [7, monday, IDS.b, 5, NOW, NOW, 1],
        ],
      );
      const counters = await storage.query(
        `SELECT c.span_days, c.day, MIN(p.name) AS name, c.instances, c.reports FROM set_activity c JOIN set_plugins s ON s.set_id = c.set_id JOIN plugins p ON p.id = s.plugin_id
         GROUP BY c.span_days, c.day, c.set_id, c.instances, c.reports ORDER BY c.span_days, c.day, MIN(p.name)`,
      );
      assert.deepEqual(
        counters.map((r) => [Number(r['span_days']), Number(r['day']), r['name'], Number(r['instances']), Number(r['reports'])]),
        [
          // Monday: A with kafka.
          [1, monday, 'kafka', 1, 1],
          // Friday: A ends on amqp_1 (moved off kafka); B on kafka; the late generate report counts as a report only.
          [1, friday, 'amqp_1', 1, 1],
          [1, friday, 'generate', 0, 1],
          [1, friday, 'kafka', 1, 2],
          // The week: A's latest is amqp_1, B's kafka.
          [7, monday, 'amqp_1', 1, 1],
          [7, monday, 'generate', 0, 1],
          [7, monday, 'kafka', 1, 3],
        ],
      );
    });

    it('stores many reports sent at once, each answered after it is stored', async (t) => {
      const storage = await openedStore(opener, t);
      if (!storage) return;
      const ids = Array.from({ length: 300 }, (_, i) => `0a6c2b8e-1f3d-4c5e-9a7b-${String(i).padStart(12, '0')}`);
      await Promise.all(ids.map((id, i) => storage.store(report(id, i, ['input/generate', i % 2 ? 'output/kafka' : 'output/stdout'], 'linux', 'amd64'), NOW)));
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM reports'), 300);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM instances'), 300);
      assert.equal(await one(storage, 'SELECT COUNT(*) FROM plugins'), 3);
    });
  });
}

/** Two stores on one fresh PostgreSQL database, as two collectors would hold them; undefined when skipped. */
async function twoStores(t: TestContext): Promise<[Storage, Storage] | undefined> {
  const url = await freshPostgres(t);
  if (url === undefined) return undefined;
  const [a, b] = await Promise.all([openPostgresStorage(url), openPostgresStorage(url)]);
  t.after(async () => {
    await a.close();
    await b.close();
  });
  return [a, b];
}

describe('PostgreSQL shared by several collectors', () => {
  it('takes reports from two stores at once and migrates once', async (t) => {
    const stores = await twoStores(t);
    if (!stores) return;
    const [a, b] = stores;
    const sends = [];
    for (let i = 0; i < 50; i++) {
      const r = report(IDS.c, i, ['input/kafka', `processor/p${i % 5}`, 'output/aws_s3'], 'linux', 'amd64');
      sends.push((i % 2 ? a : b).store(r, NOW + i));
    }
    await Promise.all(sends);
    assert.equal(await one(a, 'SELECT COUNT(*) FROM schema_version'), SCHEMA_VERSION);
    assert.equal(await one(a, 'SELECT COUNT(*) FROM reports'), 50);
    // The newest report (i = 49) is the latest, whichever store committed last.
    assert.equal(await one(a, 'SELECT uptime FROM instances WHERE instance_id = ?', [IDS.c]), 49);
    assert.deepEqual(await componentsOf(a, IDS.c), ['input/kafka×1', 'output/aws_s3×1', 'processor/p4×1']);
  });
});

describe('PostgreSQL shared by several collectors, against replays', () => {
  it('stores a token sent to two stores at once exactly once', async (t) => {
    const stores = await twoStores(t);
    if (!stores) return;
    const [a, b] = stores;
    const token = { digest: 'c'.repeat(64), expiresAt: null };
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).store(report(IDS.d, 5, ['input/kafka'], 'linux', 'amd64'), NOW + i, token)));
    assert.equal(outcomes.filter((o) => o === 'stored').length, 1);
    assert.equal(outcomes.filter((o) => o === 'replay').length, 19);
    assert.equal(await one(a, 'SELECT COUNT(*) FROM reports'), 1);
  });
});

describe('storage helpers', () => {
  it('counts occurrences per plugin in first-seen order', () => {
    assert.deepEqual(countComponents(report(IDS.a, 0, ['processor/mapping', 'input/kafka', 'processor/mapping'], 'linux', 'amd64')), [
      { type: 'processor', name: 'mapping', occurrences: 2 },
      { type: 'input', name: 'kafka', occurrences: 1 },
    ]);
  });

  it('tells PostgreSQL URLs from SQLite paths', () => {
    assert.equal(isPostgresUrl('postgres://u@h/db'), true);
    assert.equal(isPostgresUrl('POSTGRESQL://u@h/db'), true);
    assert.equal(isPostgresUrl('./postgres.db'), false);
  });

  it('numbers placeholders for PostgreSQL', () => {
    assert.equal(numberPlaceholders('a = ? AND b IN (?, ?)'), 'a = $1 AND b IN ($2, $3)');
  });
});
