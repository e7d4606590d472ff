import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { analyse } from '../../src/analysis/analyse.ts';
import { formatHtml } from '../../src/analysis/html-report.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { DAY, NOW, storeFleet, tempDir } from '../helpers/fleet.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('formatHtml', () => {
  it('escapes what it prints', async () => {
    const html = formatHtml({
      window: { from: '<a>', to: 'b', duration: '1d', minUptimeSeconds: 0 },
      instances: 0,
      plugins: [],
      pairs: [],
      pairFilters: { minSupport: 0, minConfidence: 0, plugin: null, then: null, limit: 0, type: null, includeDefaults: false },
      fleet: { reports: 0, daily: [], uptime: { median: null, buckets: [] }, platforms: [] },
    });
    assert.ok(html.includes('&lt;a&gt;'));
    assert.ok(!html.includes('<a>'));
  });

  it('draws a self-contained page that a real browser shows with the fleet’s numbers', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (apt-get install -y chromium)`);
      return;
    }
    const dir = tempDir(t);
    const storage = await openSqliteStorage(join(dir, 'c.db'));
    t.after(() => storage.close());
    await storeFleet(storage);
    const analysis = await analyse(storage, { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0.01, minConfidence: 0, limit: 0 });
    const file = join(dir, 'report.html');
    writeFileSync(file, formatHtml(analysis));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(pathToFileURL(file).href);
    assert.ok(response?.ok());
    await page.waitForLoadState('load');

    // Nothing but the page itself was fetched.
    assert.deepEqual(requested, [pathToFileURL(file).href]);
    assert.equal(await page.title(), 'Connect plugin usage: 4 instance(s)');
    assert.equal(await page.locator('#instances').textContent(), '4');

    // One bar per plugin, most used first, each as long as its count says.
    const bars = page.locator('#plugin-chart .bar');
    assert.equal(await bars.count(), 6);
    assert.deepEqual(await bars.evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-plugin'), Number(g.getAttribute('data-instances'))])), [
      ['input/kafka', 3],
      ['output/aws_s3', 3],
      ['processor/mapping', 2],
      ['processor/mutation', 2],
      ['input/http_server', 1],
      ['output/kafka', 1],
    ]);
    const widths = await page.locator('#plugin-chart rect').evaluateAll((rects) => rects.map((r) => (r as unknown as { getBBox(): { width: number } }).getBBox().width));
    assert.ok(Math.abs((widths[0] ?? 0) / (widths[2] ?? 1) - 3 / 2) < 0.01, `bars drawn to scale: ${widths.join(', ')}`);
    // Visible: the chart has a real size on the page.
    const box = await page.locator('#plugin-chart').boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100);

    // The pair table answers output/aws_s3 ⇒ processor/mutation.
    const pairRows = await page.locator('#pairs tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(pairRows.length, 18);
    assert.deepEqual(
      pairRows.find((cells) => cells[0] === 'output/aws_s3' && cells[1] === 'processor/mutation'),
      ['output/aws_s3', 'processor/mutation', '2', '50.0%', '66.7%', '1.33'],
    );
    // One column per day with reports; platforms listed.
    assert.deepEqual(await page.locator('#daily-chart .column').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-instances')))), [1, 1, 1, 2, 1]);
    assert.equal(await page.locator('#platforms tbody tr').count(), 3);
  });
});
