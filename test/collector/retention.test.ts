import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startRetention } from '../../src/collector/retention.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { DAY, IDS, report, tempDir } from '../helpers/fleet.ts';

const count = async (storage: Storage, table: string) => Number((await storage.query(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.['n']);

describe('startRetention', () => {
  it('prunes reports older than the retention period on its schedule, and stops cleanly', async (t) => {
    const clock = new FakeClock(Date.UTC(2025, 0, 31));
    const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
    t.after(() => storage.close());
    const start = clock.now();
    await storage.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), start - 40 * DAY);
    await storage.store(report(IDS.a, 2, ['input/kafka'], 'linux', 'amd64'), start - DAY);
    await storage.store(report(IDS.b, 1, ['input/kafka'], 'linux', 'amd64'), start - 35 * DAY);
    const logs: string[] = [];
    const retention = startRetention(storage, { retainMs: 30 * DAY, firstPassMs: 60_000, intervalMs: DAY }, { clock, logger: createLogger('debug', { write: (line: string) => void logs.push(line) }) });
    await clock.advance(59_000);
    assert.equal(await count(storage, 'reports'), 3, 'nothing is pruned before the first pass');
    await clock.advance(1_000);
    assert.equal(await count(storage, 'reports'), 1);
    assert.equal(await count(storage, 'instances'), 1);
    assert.ok(logs.some((line) => line.includes('"msg":"pruned"') && line.includes('"reports":2')));
    // A day on, the report of a day ago is two days old: kept; 29 days later it is past 30 and goes.
    await clock.advance(DAY);
    assert.equal(await count(storage, 'reports'), 1);
    await clock.advance(29 * DAY);
    assert.equal(await count(storage, 'reports'), 0);
    await retention.stop();
    assert.equal(clock.pending, 0, 'no pass is left waiting');
  });

  it('without a retention period forgets only expired token digests', async (t) => {
    const clock = new FakeClock(Date.UTC(2025, 0, 31));
    const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
    t.after(() => storage.close());
    await storage.store(report(IDS.a, 1, ['input/kafka'], 'linux', 'amd64'), clock.now() - 400 * DAY, { digest: 'd'.repeat(64), expiresAt: clock.now() + 30_000 });
    const retention = startRetention(storage, { retainMs: undefined, firstPassMs: 60_000, intervalMs: 600_000 }, { clock, logger: createLogger('silent', { write: () => undefined }) });
    await clock.advance(60_000);
    assert.equal(await count(storage, 'seen_tokens'), 0);
    assert.equal(await count(storage, 'reports'), 1);
    await retention.stop();
  });
});
