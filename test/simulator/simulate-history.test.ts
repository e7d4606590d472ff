import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { validateReport } from '../../src/collector/validate-report.ts';
import { simulateHistory } from '../../src/simulator/simulate-history.ts';
import { DAY, NOW } from '../helpers/fleet.ts';

const OLD = { path: 'old.yaml', text: 'input:\n  kafka: {}\noutput:\n  aws_s3: {}\n' };
const NEW = { path: 'new.yaml', text: 'input:\n  kafka_franz: {}\noutput:\n  aws_s3: {}\n' };

describe('simulateHistory', () => {
  it('has each instance report every period from when it joined, oldest first, as valid reports', () => {
    const history = simulateHistory([OLD, NEW], bundledCatalogue(), { instances: 30, historyMs: 20 * DAY, periodMs: DAY, seed: 3, now: NOW });
    for (let i = 1; i < history.length; i++) assert.ok(history[i - 1]!.receivedAt <= history[i]!.receivedAt);
    const byInstance = new Map<string, number[]>();
    for (const { payload, receivedAt } of history) {
      assert.ok(validateReport(payload, bundledCatalogue()).ok);
      assert.ok(receivedAt > NOW - 20 * DAY && receivedAt <= NOW);
      byInstance.set(payload.id, [...(byInstance.get(payload.id) ?? []), receivedAt]);
    }
    assert.equal(byInstance.size, 30);
    for (const times of byInstance.values()) {
      for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, DAY);
      assert.ok(NOW - times[times.length - 1]! < DAY, 'reports until now');
    }
  });

  it('shifts adoption from the first configs to the last', () => {
    const history = simulateHistory([OLD, NEW], bundledCatalogue(), { instances: 400, historyMs: 60 * DAY, periodMs: DAY, seed: 9, now: NOW });
    const share = (from: number, to: number) => {
      const latest = new Map<string, boolean>();
      for (const { payload, receivedAt } of history) if (receivedAt >= from && receivedAt < to) latest.set(payload.id, payload.components.some((c) => c.name === 'kafka_franz'));
      return [...latest.values()].filter(Boolean).length / latest.size;
    };
    const early = share(NOW - 60 * DAY, NOW - 50 * DAY);
    const late = share(NOW - 5 * DAY, NOW);
    assert.ok(late - early > 0.3, `kafka_franz share ${early.toFixed(2)} early, ${late.toFixed(2)} late`);
  });
});
