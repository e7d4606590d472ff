import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { startCollector } from '../../src/collector/server.ts';
import { DEMO_CONFIG_DIR, readConfigFiles } from '../../src/simulator/fleet-configs.ts';
import { sendFleet } from '../../src/simulator/send-fleet.ts';
import { simulateFleet } from '../../src/simulator/simulate-fleet.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { validateReport } from '../../src/collector/validate-report.ts';
import { createJwtReader } from '../../src/collector/verify-jwt.ts';
import { NOW, tempDir } from '../helpers/fleet.ts';

const config = (path: string, text: string) => ({ path, text });
const ONE = config('a.yaml', 'input:\n  generate:\n    mapping: root = {}\noutput:\n  aws_s3:\n    bucket: b\n');
const TWO = config('b.yaml', 'input:\n  kafka:\n    addresses: [x]\n    topics: [t]\npipeline:\n  processors:\n    - mutation: root.a = 1\noutput:\n  stdout: {}\n');

describe('simulateFleet', () => {
  it('builds valid payloads whose components are exactly what the walker finds in one of the configs', () => {
    const payloads = simulateFleet([ONE, TWO], bundledCatalogue(), 40, 7, NOW);
    assert.equal(payloads.length, 40);
    assert.equal(new Set(payloads.map((p) => p.id)).size, 40);
    const shapes = new Set(payloads.map((p) => p.components.map((c) => `${c.type}/${c.name}`).join(' ')));
    // Main configs get Connect's defaults for what they leave out (buffer none, metrics prometheus, tracer none).
    assert.deepEqual([...shapes].sort(), [
      'input/generate buffer/none output/aws_s3 metrics/prometheus tracer/none',
      'input/kafka buffer/none processor/mutation output/stdout metrics/prometheus tracer/none',
    ]);
    for (const payload of payloads) {
      assert.ok(validateReport(payload, bundledCatalogue()).ok, JSON.stringify(payload));
      assert.ok(payload.uptime >= 60 && payload.uptime <= 90 * 86_400);
    }
  });

  it('gives the same fleet for the same seed, another for another seed', () => {
    const a = simulateFleet([ONE, TWO], bundledCatalogue(), 10, 1, NOW);
    assert.deepEqual(simulateFleet([ONE, TWO], bundledCatalogue(), 10, 1, NOW), a);
    assert.notDeepEqual(simulateFleet([ONE, TWO], bundledCatalogue(), 10, 2, NOW), a);
  });

  it('reads the demo configs, which hold only plugins the catalogue knows', async () => {
    const configs = await readConfigFiles([DEMO_CONFIG_DIR]);
    assert.ok(configs.length >= 3);
    const payloads = simulateFleet(configs, bundledCatalogue(), 20, 1, NOW);
    assert.ok(payloads.every((p) => p.components.every((c) => c.name !== 'unknown')));
  });
});

describe('sendFleet', () => {
  it('posts every payload to a real collector, which stores them all', async (t) => {
    const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
    const collector = await startCollector(
      { host: '127.0.0.1', port: 0 },
      { storage, jwt: createJwtReader([]), logger: createLogger('silent', { write: () => undefined }), now: () => NOW, maxBodyBytes: 1 << 20, known: bundledCatalogue() },
    );
    t.after(async () => {
      await collector.close();
      await storage.close();
    });
    const payloads = simulateFleet([ONE, TWO], bundledCatalogue(), 25, 3, NOW);
    const { statuses } = await sendFleet(payloads, `http://127.0.0.1:${collector.port}/connect/telemetry`, { concurrency: 4 });
    assert.deepEqual(statuses, { 204: 25 });
    const rows = await storage.query('SELECT COUNT(*) AS n FROM instances');
    assert.equal(Number(rows[0]?.['n']), 25);
  });
});
