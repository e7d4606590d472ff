import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { analyse } from '../../src/analysis/analyse.ts';
import type { Analysis } from '../../src/analysis/report-model.ts';
import { formatCsv, formatJson, formatTable } from '../../src/analysis/format-report.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { DAY, NOW, storeFleet, tempDir } from '../helpers/fleet.ts';

async function fleetAnalysis(t: TestContext): Promise<Analysis> {
  const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
  t.after(() => storage.close());
  await storeFleet(storage);
  return analyse(storage, { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0.5, minConfidence: 0.9, limit: 0 });
}

describe('formatJson', () => {
  it('prints window, instances, plugins, pairs and fleet with exact ratios', async (t) => {
    const json = JSON.parse(formatJson(await fleetAnalysis(t)));
    assert.deepEqual(Object.keys(json), ['window', 'instances', 'plugins', 'pairs', 'filters', 'fleet']);
    assert.equal(json.instances, 4);
    assert.deepEqual(json.plugins[0], { type: 'input', name: 'kafka', instances: 3, share: 0.75, occurrences: 3 });
    assert.deepEqual(json.pairs[2], { if: { type: 'processor', name: 'mutation' }, then: { type: 'output', name: 'aws_s3' }, instances: 2, support: 0.5, confidence: 1, lift: 8 / 6 });
    assert.equal(json.fleet.uptime.median, 7200);
  });
});

describe('formatTable', () => {
  it('shows each plugin and pair with rounded percentages', async (t) => {
    const text = formatTable(await fleetAnalysis(t));
    assert.match(text, /^4 active instance\(s\)/);
    assert.match(text, /input\s+kafka\s+3\s+75\.0%\s+3/);
    assert.match(text, /processor\/mutation\s+⇒\s+output\/aws_s3\s+2\s+50\.0%\s+100\.0%\s+1\.33/);
    assert.match(text, /linux\s+amd64\s+2/);
  });
});

describe('formatCsv', () => {
  it('writes the plugin table and the pair table, each with a header', async (t) => {
    const [plugins, pairs] = formatCsv(await fleetAnalysis(t)).split('\r\n\r\n');
    const pluginLines = plugins?.split('\r\n') ?? [];
    assert.equal(pluginLines[0], 'type,name,instances,share,occurrences');
    assert.equal(pluginLines[1], 'input,kafka,3,0.75,3');
    assert.equal(pluginLines.length, 7);
    const pairLines = pairs?.trimEnd().split('\r\n') ?? [];
    assert.equal(pairLines[0], 'if_type,if_name,then_type,then_name,instances,support,confidence,lift');
    assert.equal(pairLines.length, 4);
    assert.equal(pairLines[1], `processor,mapping,input,kafka,2,0.5,1,${8 / 6}`);
  });
});
