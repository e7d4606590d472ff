/**
 * Durability: kill the collector with SIGKILL in the middle of a load run.
 * Every report that was answered 204 must be in the database after restart.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { tempDir } from '../helpers/fleet.ts';
import { startCollect } from './collect-process.ts';

const payload = (id: string) =>
  JSON.stringify({ id, uptime: 60, components: [{ type: 'input', name: 'kafka' }, { type: 'processor', name: 'mapping' }, { type: 'output', name: 'aws_s3' }], hostInfo: { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'linux' } });

describe('collect killed with SIGKILL under load', () => {
  it('has stored every report it answered 204', async (t) => {
    const db = join(tempDir(t), 'collector.db');
    const { child, port } = await startCollect(t, ['--db', db]);
    const url = `http://127.0.0.1:${port}/connect/telemetry`;
    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const id = randomUUID();
        sent++;
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload(id) });
          if (response.status === 204) acknowledged.push(id);
          else stop = true;
        } catch {
          stop = true; // the collector is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Kill once a good number of reports are in, while requests are surely in flight.
    while (acknowledged.length < 300 && !stop) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    await Promise.all(workers);
    assert.ok(acknowledged.length >= 300, `only ${acknowledged.length} reports were acknowledged`);

    // Restart on the same database: it opens, recovers and takes reports again.
    const again = await startCollect(t, ['--db', db]);
    const after = randomUUID();
    assert.equal((await fetch(`http://127.0.0.1:${again.port}/connect/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload(after) })).status, 204);
    again.child.kill('SIGTERM');
    await new Promise((resolve) => again.child.once('exit', resolve));

    const storage = await openSqliteStorage(db);
    t.after(() => storage.close());
    const stored = new Set((await storage.query('SELECT i.instance_id FROM reports r JOIN instances i ON i.id = r.instance')).map((row) => String(row['instance_id'])));
    const missing = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged reports are missing (${sent} sent)`);
    assert.ok(stored.has(after));
  });
});
