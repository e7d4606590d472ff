/**
 * The dashboard in a real headless Chromium: served by a real collector on
 * 127.0.0.1, over a store holding the hand-computed fleet (moved to end now),
 * compared with what the built binary's `report --format json` prints for
 * the same database.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { createDashboardRoutes, DASHBOARD_CSP } from '../../src/analysis/dashboard/dashboard-routes.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { startCollector } from '../../src/collector/server.ts';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';
import { createJwtReader } from '../../src/collector/verify-jwt.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { BIN } from '../e2e/collect-process.ts';
import { FLEET, NOW, storeFleet, tempDir } from '../helpers/fleet.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface JsonReport {
  instances: number;
  plugins: { type: string; name: string; instances: number; share: number; occurrences: number }[];
  pairs: { if: { type: string; name: string }; then: { type: string; name: string }; instances: number; support: number; confidence: number; lift: number }[];
}

const cliReport = (db: string, ...args: string[]): JsonReport => {
  const result = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--format', 'json', ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as JsonReport;
};
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

describe('the dashboard (collect --ui)', () => {
  it('shows the same figures as report --format json, and the pairings of a chosen plugin', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (apt-get install -y chromium)`);
      return;
    }
    const db = join(tempDir(t), 'c.db');
    const storage = await openSqliteStorage(db);
    const shift = Date.now() - NOW;
    await storeFleet(storage, FLEET.map(([r, at]) => [r, at + shift]));
    const collector = await startCollector(
      { host: '127.0.0.1', port: 0 },
      { storage, jwt: createJwtReader([]), logger: createLogger('silent', { write: () => undefined }), now: Date.now, maxBodyBytes: 1 << 20, known: bundledCatalogue(), extraRoutes: createDashboardRoutes({ reader: storage, now: Date.now }) },
    );
    t.after(async () => {
      await collector.close();
      await storage.close();
    });
    const origin = `http://127.0.0.1:${collector.port}`;

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    const requested: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(`${origin}/ui/`);
    assert.equal(response?.status(), 200);
    assert.equal(response?.headers()['content-security-policy'], DASHBOARD_CSP);
    await page.locator('body[data-loaded="true"]').waitFor();

    // The plugin table: the same rows, numbers and order as the command line's JSON.
    const expected = cliReport(db);
    assert.equal(expected.instances, 4);
    const rows = await page.locator('#plugins tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, expected.plugins.map((p) => [p.type, p.name, String(p.instances), percent(p.share), String(p.occurrences)]));
    assert.match((await page.locator('#summary').textContent()) ?? '', /^4 active instances: instances whose latest report arrived in the last 30d/);

    // Choosing output/aws_s3 shows what goes with it, as `report --plugin output/aws_s3` does.
    await page.locator('#plugins tr[data-plugin="output/aws_s3"]').click();
    await page.locator('#pairs-title', { hasText: 'What goes with output/aws_s3' }).waitFor();
    const withS3 = cliReport(db, '--plugin', 'output/aws_s3', '--min-support', '0', '--min-confidence', '0', '--limit', '0');
    const pairs = await page.locator('#pairs tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(pairs, withS3.pairs.map((p) => [`${p.if.type}/${p.if.name}`, `${p.then.type}/${p.then.name}`, String(p.instances), percent(p.support), percent(p.confidence), p.lift.toFixed(2)]));
    // Worked out by hand for FLEET: aws_s3 (A, B, C) with mapping (A, B), mutation (A, C), kafka (A, B), http_server (C).
    assert.deepEqual(pairs.map((cells) => [cells[1], cells[2]]), [['processor/mapping', '2'], ['processor/mutation', '2'], ['input/kafka', '2'], ['input/http_server', '1']]);

    // Search and the category filter work on the table.
    await page.locator('#search').fill('kafka');
    assert.deepEqual(await page.locator('#plugins tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-plugin'))), ['input/kafka', 'output/kafka']);
    await page.locator('#search').fill('');
    await page.locator('#category').selectOption('processor');
    assert.deepEqual(await page.locator('#plugins tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-plugin'))), ['processor/mapping', 'processor/mutation']);

    assert.equal(await page.locator('#trends tbody tr').count(), 2);
    await page.locator('#category').selectOption('');

    // The fleet and trends are drawn; nothing came from anywhere else, and nothing went wrong.
    assert.equal(await page.locator('#daily g').count(), expected.instances + 1);
    assert.equal(await page.locator('#trends tbody tr').count(), 7);
    assert.deepEqual(problems, []);
    assert.deepEqual(requested.filter((url) => !url.startsWith(origin)), []);
  });

  it('answers a bad query with 400 and the reason, and a misspelled plugin with the nearest names', async (t) => {
    const storage = await openSqliteStorage(join(tempDir(t), 'c.db'));
    await storeFleet(storage);
    const collector = await startCollector(
      { host: '127.0.0.1', port: 0 },
      { storage, jwt: createJwtReader([]), logger: createLogger('silent', { write: () => undefined }), now: () => NOW, maxBodyBytes: 1 << 20, known: bundledCatalogue(), extraRoutes: createDashboardRoutes({ reader: storage, now: () => NOW }) },
    );
    t.after(async () => {
      await collector.close();
      await storage.close();
    });
    const api = (query: string) => fetch(`http://127.0.0.1:${collector.port}/api/report?${query}`);
    const bad = await api('window=soon');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^window: "soon" is not a duration/);
    const misspelled = await api('plugin=output/aws_s4');
    assert.equal(misspelled.status, 400);
    assert.deepEqual(((await misspelled.json()) as { suggestions: unknown }).suggestions, [{ type: 'output', name: 'aws_s3' }]);
    const good = (await (await api('window=30d&plugin=input/kafka&then=output/aws_s3')).json()) as JsonReport;
    // kafka on A, B, D; aws_s3 on A, B, C: both on A and B.
    assert.deepEqual(good.pairs.map((p) => [p.instances, p.confidence]), [[2, 2 / 3]]);
    // The report endpoint is untouched.
    assert.equal((await fetch(`http://127.0.0.1:${collector.port}/connect/telemetry`)).status, 405);
  });
});
