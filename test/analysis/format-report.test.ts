import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { analyse } from '../../src/analysis/analyse.ts';
import { formatCsv, formatJson } from '../../src/analysis/format-report.ts';
import { formatTable } from '../../src/analysis/format-table.ts';
import type { Analysis, AnalysisOptions } from '../../src/analysis/report-model.ts';
import { UnknownPluginError } from '../../src/analysis/suggest-plugins.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import type { Report } from '../../src/collector/validate-report.ts';
import { DAY, FLEET, NOW, storeFleet, tempDir } from '../helpers/fleet.ts';
import { TREND_FLEET } from '../helpers/trend-fleet.ts';

const BASE: AnalysisOptions = { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0, minConfidence: 0, limit: 0 };

async function analysed(t: TestContext, options: Partial<AnalysisOptions> = {}, fleet: [Report, number][] = TREND_FLEET): Promise<Analysis> {
  const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
  t.after(() => storage.close());
  await storeFleet(storage, fleet);
  return analyse(storage, { ...BASE, ...options });
}

describe('formatTable', () => {
  it('says what the figures cover, marks Connect’s defaults and reads durations as people do', async (t) => {
    const text = formatTable(await analysed(t));
    const lines = text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    assert.match(text, /^Connect plugin usage\n {2}4 active instances: instances whose latest report arrived in the last 30d \(2025-01-01 12:00 UTC to 2025-01-31 12:00 UTC\)\.\n/);
    // P, Q and S use kafka_franz; buffer/none (P, Q) and output/stdout (R) are Connect's defaults.
    assert.ok(lines.includes('input kafka_franz 3 75.0% 3'));
    assert.ok(lines.includes('buffer none * 2 50.0% 2'));
    assert.ok(lines.includes('output stdout * 1 25.0% 1'));
    assert.match(text, /\* a default Connect fills in when a config leaves its slot out/);
    // Latest uptimes 100 s, 6h11m, 30d, 400d: the lower median is Q's 22,275 s.
    assert.match(text, /Uptime \(median 6h11m\)/);
  });

  it('leaves the defaults out of the pairings, with a legend under them', async (t) => {
    const text = formatTable(await analysed(t));
    const pairs = text.slice(text.indexOf('Pairings'), text.indexOf('Fleet'));
    // Without buffer/none and output/stdout: kafka_franz with aws_s3 (P, Q) and with output/kafka (S); lift 4/3 each.
    assert.deepEqual(pairs.split('\n').filter((line) => line.includes('⇒')).map((line) => line.replace(/\s+/g, ' ').trim()), [
      'output/aws_s3 ⇒ input/kafka_franz 2 50.0% 100.0% 1.33',
      'output/kafka ⇒ input/kafka_franz 1 25.0% 100.0% 1.33',
      'input/kafka_franz ⇒ output/aws_s3 2 50.0% 66.7% 1.33',
      'input/kafka_franz ⇒ output/kafka 1 25.0% 33.3% 1.33',
    ]);
    assert.match(pairs, /Connect's defaults left out/);
    assert.match(pairs, /confidence: the share of IF’s instances that also use THEN; lift: confidence ÷ THEN’s share/);
  });

  it('keeps the defaults in the pairings with includeDefaults', async (t) => {
    const a = await analysed(t, { includeDefaults: true });
    const rules = a.pairs.map((p) => `${p.if.type}/${p.if.name} ${p.then.type}/${p.then.name} ${p.instances}`).sort();
    // Adds buffer/none with kafka_franz (P, Q) and aws_s3 (P, Q), and input/kafka with output/stdout (R), both ways.
    assert.equal(rules.length, 10);
    assert.ok(rules.includes('buffer/none input/kafka_franz 2'));
    assert.ok(rules.includes('output/stdout input/kafka 1'));
  });

  it('shows only the answer asked for with --plugin', async (t) => {
    const text = formatTable(await analysed(t, { plugin: { type: 'input', name: 'kafka_franz' }, trend: true }));
    assert.match(text, /input\/kafka_franz: used by 3 of 4 active instances \(75\.0%\), 3 occurrences\./);
    assert.deepEqual(text.split('\n').filter((line) => line.includes('⇒')).map((line) => line.replace(/\s+/g, ' ').trim()), [
      'input/kafka_franz ⇒ output/aws_s3 2 50.0% 66.7% 1.33',
      'input/kafka_franz ⇒ output/kafka 1 25.0% 33.3% 1.33',
    ]);
    assert.ok(text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).includes('input/kafka_franz 0 1 1 1 2 +200.0%'));
    assert.doesNotMatch(text, /^Plugins$|^Fleet|output\/aws_s3 {2}0/m);
  });

  it('says why a report is empty and what to check', async (t) => {
    const text = formatTable(await analysed(t, { now: NOW + 100 * DAY, minUptimeSeconds: 3600 }));
    assert.match(text, /No active instances: no latest report arrived in the last 30d from an instance that has run long enough\. The database holds 4 instances; the latest report arrived 2025-01-30 12:00 UTC\./);
    assert.match(text, /- the delay: a sidecar sends its first report only after its delay \(7 days of uptime by default, --delay\);/);
    assert.match(text, /- the window: --window 30d must reach back to when instances last reported, and --min-uptime 1h leaves out instances that have run less;/);
    assert.match(text, /- the endpoint: each sidecar's --endpoint must point at this collector's POST \/connect\/telemetry/);
  });

  it('lists only the asked-for category, and pairs ending in it', async (t) => {
    const a = await analysed(t, { type: 'output' });
    assert.deepEqual(a.plugins.map((p) => `${p.type}/${p.name}`), ['output/aws_s3', 'output/kafka', 'output/stdout']);
    assert.deepEqual(a.pairs.map((p) => `${p.if.name} ⇒ ${p.then.name}`), ['kafka_franz ⇒ aws_s3', 'kafka_franz ⇒ kafka']);
  });
});

describe('a plugin no stored report names', () => {
  it('is refused with the nearest names', async (t) => {
    await assert.rejects(analysed(t, { plugin: { type: 'output', name: 'aws_s4' } }), (error: unknown) => {
      assert.ok(error instanceof UnknownPluginError);
      assert.equal(error.message, 'no stored report names output/aws_s4; did you mean output/aws_s3?');
      return true;
    });
    // The right name in the wrong category.
    await assert.rejects(analysed(t, { then: { type: 'input', name: 'aws_s3' } }), /did you mean output\/aws_s3\?/);
  });
});

describe('formatJson', () => {
  it('prints window, instances, plugins, pairs and fleet with exact ratios', async (t) => {
    const json = JSON.parse(formatJson(await analysed(t, { minSupport: 0.5, minConfidence: 0.9 }, FLEET)));
    assert.deepEqual(Object.keys(json), ['window', 'instances', 'plugins', 'pairs', 'filters', 'fleet']);
    assert.equal(json.instances, 4);
    assert.deepEqual(json.plugins[0], { type: 'input', name: 'kafka', instances: 3, share: 0.75, occurrences: 3, default: false });
    assert.deepEqual(json.pairs[2], { if: { type: 'processor', name: 'mutation' }, then: { type: 'output', name: 'aws_s3' }, instances: 2, support: 0.5, confidence: 1, lift: 8 / 6 });
    assert.equal(json.fleet.uptime.median, 7200);
  });

  it('adds the trends as type, name, series and change', async (t) => {
    const json = JSON.parse(formatJson(await analysed(t, { trend: true })));
    const franz = json.trends.find((x: { name: string }) => x.name === 'kafka_franz');
    assert.deepEqual(franz, {
      type: 'input',
      name: 'kafka_franz',
      series: [{ from: '2024-12-30', instances: 0 }, { from: '2025-01-06', instances: 1 }, { from: '2025-01-13', instances: 1 }, { from: '2025-01-20', instances: 1 }, { from: '2025-01-27', instances: 2 }],
      change: 2,
    });
    assert.deepEqual(json.trendPeriods, { period: 'week', compared: { from: '2024-12-30', to: '2025-01-26', previousFrom: '2024-12-02' } });
  });
});

describe('formatCsv', () => {
  it('writes the plugin, pair and trend tables, each with a header', async (t) => {
    const [plugins, pairs, trends] = formatCsv(await analysed(t, { trend: true })).split('\r\n\r\n');
    const pluginLines = plugins?.split('\r\n') ?? [];
    assert.equal(pluginLines[0], 'type,name,instances,share,occurrences,default');
    assert.equal(pluginLines[1], 'input,kafka_franz,3,0.75,3,false');
    assert.equal(pluginLines[2], 'buffer,none,2,0.5,2,true');
    assert.equal(pairs?.split('\r\n')[0], 'if_type,if_name,then_type,then_name,instances,support,confidence,lift');
    const trendLines = trends?.trimEnd().split('\r\n') ?? [];
    assert.equal(trendLines[0], 'type,name,2024-12-30,2025-01-06,2025-01-13,2025-01-20,2025-01-27,change');
    assert.ok(trendLines.includes('input,kafka_franz,0,1,1,1,2,2'));
    assert.ok(trendLines.includes('output,kafka,0,0,0,0,1,'));
  });
});
