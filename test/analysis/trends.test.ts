import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { analyse } from '../../src/analysis/analyse.ts';
import type { AnalysisOptions, Trend } from '../../src/analysis/report-model.ts';
import { trendPeriods } from '../../src/analysis/trends.ts';
import { DAY, NOW, storeFleet } from '../helpers/fleet.ts';
import { STORAGE_BACKENDS } from '../helpers/storage-backends.ts';
import { TREND_FLEET } from '../helpers/trend-fleet.ts';

const BASE: AnalysisOptions = { now: NOW, windowMs: 30 * DAY, minUptimeSeconds: 0, minSupport: 0, minConfidence: 0, limit: 0, trend: true };
const WEEKS = ['2024-12-30', '2025-01-06', '2025-01-13', '2025-01-20', '2025-01-27'];
const series = (values: number[], days = WEEKS) => values.map((instances, i) => ({ from: days[i] as string, instances }));
const find = (trends: Trend[] | undefined, ref: string) => trends?.find((t) => `${t.type}/${t.name}` === ref);


for (const [label, open] of STORAGE_BACKENDS) {
  describe(`trends over ${label}`, () => {
    const withFleet = async (t: TestContext) => {
      const storage = await open(t);
      if (storage) {
        t.after(() => storage.close());
        await storeFleet(storage, TREND_FLEET);
      }
      return storage;
    };

    it('counts each plugin per week and compares the complete weeks with as many before them', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const { trends } = await analyse(storage, BASE);
      assert.equal(trends?.period, 'week');
      assert.deepEqual(trends?.compared, { from: '2024-12-30', to: '2025-01-26', previousFrom: '2024-12-02' });
      // Worked out in test/helpers/trend-fleet.ts.
      assert.deepEqual(find(trends?.plugins, 'input/kafka_franz'), { type: 'input', name: 'kafka_franz', series: series([0, 1, 1, 1, 2]), change: 2 });
      assert.deepEqual(find(trends?.plugins, 'input/kafka'), { type: 'input', name: 'kafka', series: series([1, 0, 0, 0, 0]), change: (1 - 3) / 3 });
      // aws_s3: 3 before (Q, P, Q), 3 in the complete weeks (P, Q, Q); P again in the week in progress.
      assert.deepEqual(find(trends?.plugins, 'output/aws_s3'), { type: 'output', name: 'aws_s3', series: series([0, 1, 1, 1, 1]), change: 0 });
      // output/kafka appears only in the week in progress: nothing to compare with.
      assert.deepEqual(find(trends?.plugins, 'output/kafka'), { type: 'output', name: 'kafka', series: series([0, 0, 0, 0, 1]), change: null });
      assert.equal(trends?.plugins.length, 6);
    });

    it('counts per day for a short window, and leaves out short-lived instances with a least uptime', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      // 3 days back from 01-31 12:00: days 01-28 to 01-31; the complete ones 01-28..01-30 against 01-25..01-27.
      const { trends } = await analyse(storage, { ...BASE, windowMs: 3 * DAY });
      const days = ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'];
      assert.equal(trends?.period, 'day');
      assert.deepEqual(find(trends?.plugins, 'input/kafka_franz'), { type: 'input', name: 'kafka_franz', series: series([0, 1, 1, 0], days), change: null });
      // With a least uptime of 200 s, S (100 s) drops out of its day.
      const longer = await analyse(storage, { ...BASE, windowMs: 3 * DAY, minUptimeSeconds: 200 });
      assert.deepEqual(find(longer.trends?.plugins, 'input/kafka_franz')?.series, series([0, 1, 0, 0], days));
      assert.equal(find(longer.trends?.plugins, 'output/kafka'), undefined);
    });

    it('keeps only the asked-for category', async (t) => {
      const storage = await withFleet(t);
      if (!storage) return;
      const { trends } = await analyse(storage, { ...BASE, type: 'output' });
      assert.deepEqual(trends?.plugins.map((p) => `${p.type}/${p.name}`).sort(), ['output/aws_s3', 'output/kafka', 'output/stdout']);
    });
  });
}

describe('trendPeriods', () => {
  it('uses days up to 14 days and ISO weeks beyond, the last period being the one in progress', () => {
    // 2025-01-31 is day 20119, a Friday; its week began on Monday day 20115.
    assert.deepEqual(trendPeriods(14 * DAY, NOW - 14 * DAY, NOW), { span: 1, first: 20105, last: 20119, count: 15, complete: 14, previousFirst: 20091 });
    assert.deepEqual(trendPeriods(30 * DAY, NOW - 30 * DAY, NOW), { span: 7, first: 20087, last: 20115, count: 5, complete: 4, previousFirst: 20059 });
  });
});
