/**
 * Makes docs/dashboard.png: a simulated fleet's history (the demo configs,
 * adoption shifting over ten weeks) written into a temporary SQLite store,
 * the dashboard served over it, opened in headless Chromium, a plugin chosen,
 * and the page photographed. `npm run screenshot` (needs /usr/bin/chromium).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createDashboardRoutes } from '../src/analysis/dashboard/dashboard-routes.ts';
import { bundledCatalogue } from '../src/catalogue/load-catalogue.ts';
import { startCollector } from '../src/collector/server.ts';
import { openSqliteStorage } from '../src/collector/storage/sqlite-storage.ts';
import { createJwtReader } from '../src/collector/verify-jwt.ts';
import { createLogger } from '../src/lib/logger.ts';
import { DEMO_CONFIG_DIR, readConfigFiles } from '../src/simulator/fleet-configs.ts';
import { simulateHistory } from '../src/simulator/simulate-history.ts';
import { storeHistory } from '../src/simulator/store-history.ts';

const OUT = resolve(import.meta.dirname, '..', 'docs', 'dashboard.png');
const dir = mkdtempSync(join(tmpdir(), 'ct-screenshot-'));
try {
  const storage = await openSqliteStorage(join(dir, 'collector.db'));
  const history = simulateHistory(await readConfigFiles([DEMO_CONFIG_DIR]), bundledCatalogue(), { instances: 400, historyMs: 70 * 86_400_000, periodMs: 86_400_000, seed: 4, now: Date.now() });
  await storeHistory(storage, history);
  const collector = await startCollector(
    { host: '127.0.0.1', port: 0 },
    { storage, jwt: createJwtReader([]), logger: createLogger('silent', { write: () => undefined }), now: Date.now, maxBodyBytes: 1 << 20, known: bundledCatalogue(), extraRoutes: createDashboardRoutes({ reader: storage, now: Date.now }) },
  );
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`http://127.0.0.1:${collector.port}/ui/`);
    await page.locator('body[data-loaded="true"]').waitFor();
    await page.locator('#plugins tr[data-plugin="output/kafka_franz"]').click();
    await page.locator('#pairs-title', { hasText: 'What goes with output/kafka_franz' }).waitFor();
    await page.screenshot({ path: OUT, fullPage: true });
    process.stdout.write(`wrote ${OUT}\n`);
  } finally {
    await browser.close();
    await collector.close();
    await storage.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
