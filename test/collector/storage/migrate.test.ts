import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { analyse } from '../../../src/analysis/analyse.ts';
import { openPostgresStorage } from '../../../src/collector/storage/postgres-storage.ts';
import { SCHEMA_VERSION } from '../../../src/collector/storage/report-rows.ts';
import { POSTGRES, schemaV1, SQLITE } from '../../../src/collector/storage/shared-sql.ts';
import { openSqliteStorage } from '../../../src/collector/storage/sqlite-storage.ts';
import type { Storage } from '../../../src/collector/storage/storage.ts';
import { DAY, FLEET, freshPostgres, NOW, tempDir } from '../../helpers/fleet.ts';

/** FLEET's reports as version 1 stored them: one row each, components as JSON, host facts as columns. */
const V1_ROWS = FLEET.map(([r, at]) => [r.id, at, r.uptime, r.host.numCpu, r.host.goMaxProcs, r.host.goArch, r.host.goOS, JSON.stringify(r.components)] as const);
const INSERT_V1 = 'INSERT INTO reports (instance_id, received_at, uptime, num_cpu, go_max_procs, go_arch, go_os, components) VALUES ';

async function assertFleetFigures(storage: Storage) {
  const a = await analyse(storage, { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0.01, minConfidence: 0, limit: 0 });
  // The figures worked out by hand for FLEET (test/helpers/fleet.ts).
  assert.equal(a.instances, 4);
  assert.deepEqual(
    a.plugins.map((p) => [`${p.type}/${p.name}`, p.instances, p.occurrences]),
    [['input/kafka', 3, 3], ['output/aws_s3', 3, 3], ['processor/mapping', 2, 3], ['processor/mutation', 2, 2], ['input/http_server', 1, 1], ['output/kafka', 1, 1]],
  );
  assert.deepEqual(a.fleet.daily.map((d) => d.instances), [1, 1, 1, 2, 1]);
  assert.equal(a.fleet.uptime.median, 7200);
  assert.equal(Number((await storage.query('SELECT COUNT(*) AS n FROM reports'))[0]?.['n']), FLEET.length);
  assert.equal(Number((await storage.query('SELECT MAX(version) AS v FROM schema_version'))[0]?.['v']), SCHEMA_VERSION);
  assert.equal(Number((await storage.query('SELECT COUNT(*) AS n FROM seen_tokens'))[0]?.['n']), 0);
}

describe('migrating a version 1 database', () => {
  it('replays SQLite version 1 reports into version 2, with the same answers', async (t: TestContext) => {
    const path = join(tempDir(t), 'v1.db');
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1); ${schemaV1(SQLITE)}`);
    const insert = db.prepare(`${INSERT_V1}(?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const row of V1_ROWS) insert.run(...row);
    db.close();
    const storage = await openSqliteStorage(path);
    t.after(() => storage.close());
    await assertFleetFigures(storage);
    assert.equal((await storage.query("SELECT name FROM sqlite_master WHERE name IN ('reports_v1', 'instance_components')")).length, 0);
  });

  it('replays PostgreSQL version 1 reports into version 2, with the same answers', async (t: TestContext) => {
    const url = await freshPostgres(t);
    if (url === undefined) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1); ${schemaV1(POSTGRES)}`);
    for (const row of V1_ROWS) await client.query(`${INSERT_V1}($1, $2, $3, $4, $5, $6, $7, $8)`, [...row]);
    await client.end();
    const storage = await openPostgresStorage(url);
    t.after(() => storage.close());
    await assertFleetFigures(storage);
    assert.equal((await storage.query("SELECT tablename FROM pg_tables WHERE tablename IN ('reports_v1', 'instance_components')")).length, 0);
  });
});
