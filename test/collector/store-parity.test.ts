/**
 * SQLite and PostgreSQL accept and refuse exactly the same reports: the edge
 * values of every bounded field are posted to a collector over each store,
 * and both answer and keep the same.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { openPostgresStorage } from '../../src/collector/storage/postgres-storage.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import { postReport, startTestCollector } from '../helpers/collector-server.ts';
import { freshPostgres } from '../helpers/fleet.ts';

const id = (n: number) => `5e0f6a2c-8b1d-4e3f-9a7c-${String(n).padStart(12, '0')}`;
const base = (n: number, extra: Record<string, unknown> = {}) => ({ id: id(n), uptime: 60, components: [{ type: 'input', name: 'generate' }], hostInfo: { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'linux' }, ...extra });
const distinct = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'processor', name: `made_up_${i}` }));

/** Each edge case and the answer written down for it. */
const EDGES: [string, unknown, number][] = [
  ['numCpu at 2^31 - 1', base(1, { hostInfo: { numCpu: 2 ** 31 - 1, goMaxProcs: 2 ** 31 - 1 } }), 204],
  ['numCpu at 2^31', base(2, { hostInfo: { numCpu: 2 ** 31 } }), 400],
  ['goMaxProcs at 2^31', base(3, { hostInfo: { goMaxProcs: 2 ** 31 } }), 400],
  ['uptime at 2^53 - 1', base(4, { uptime: Number.MAX_SAFE_INTEGER }), 204],
  ['uptime at 2^53', base(5, { uptime: 2 ** 53 }), 400],
  ['a 128-character name', base(6, { components: [{ type: 'input', name: 'a'.repeat(128) }] }), 204],
  ['a 129-character name', base(7, { components: [{ type: 'input', name: 'a'.repeat(129) }] }), 400],
  ['128 distinct names', base(8, { components: distinct(128) }), 204],
  ['129 distinct names', base(9, { components: distinct(129) }), 400],
  ['100,000 occurrences of one plugin', base(10, { components: Array.from({ length: 100_000 }, () => ({ type: 'processor', name: 'mapping' })) }), 204],
  ['a 32-character goArch', base(11, { hostInfo: { goArch: 'a'.repeat(32) } }), 204],
  ['a 33-character goArch', base(12, { hostInfo: { goArch: 'a'.repeat(33) } }), 400],
  ['an xid', base(13, { id: 'cv37img8ne4lr5kqcbkg' }), 204],
  ['no components', base(14, { components: [] }), 204],
];

async function answers(t: TestContext, storage?: Storage): Promise<{ statuses: number[]; rows: unknown[] }> {
  // 100,000 components take about 4 MB of JSON.
  const { url, storage: store } = await startTestCollector(t, { maxBodyBytes: 8 << 20, ...(storage ? { storage } : {}) });
  const statuses: number[] = [];
  for (const [, body] of EDGES) statuses.push((await postReport(url, JSON.stringify(body))).status);
  const rows = await store.query(
    `SELECT i.instance_id AS id, r.uptime AS uptime, h.num_cpu AS num_cpu, h.go_max_procs AS go_max_procs, h.go_arch AS go_arch, i.uptime AS latest_uptime,
       (SELECT COUNT(*) FROM set_plugins c WHERE c.set_id = i.set_id) AS plugins,
       (SELECT SUM(c.occurrences) FROM set_plugins c WHERE c.set_id = i.set_id) AS occurrences
     FROM reports r JOIN instances i ON i.id = r.instance JOIN hosts h ON h.id = r.host_id ORDER BY i.instance_id`,
  );
  // PostgreSQL returns BIGINT and SUM as strings; compare values, not driver types.
  return { statuses, rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)]))) };
}

describe('SQLite and PostgreSQL at the edges', () => {
  it('answer every edge case as written down, and keep the same rows', async (t) => {
    const url = await freshPostgres(t);
    const sqlite = await answers(t);
    assert.deepEqual(
      sqlite.statuses,
      EDGES.map(([, , status]) => status),
      EDGES.map(([what], i) => `${what}: ${sqlite.statuses[i]}`).join('\n'),
    );
    if (url === undefined) return;
    const storage = await openPostgresStorage(url, { timeoutMs: 5000 });
    t.after(() => storage.close());
    const postgres = await answers(t, storage);
    assert.deepEqual(postgres.statuses, sqlite.statuses);
    assert.deepEqual(postgres.rows, sqlite.rows);
    assert.ok(postgres.rows.some((row) => (row as Record<string, unknown>)['num_cpu'] === '2147483647'));
  });
});
