import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Summary } from '../../src/config/summarise.ts';
import { afterReload, parseDaemonRecord, type DaemonRecord } from '../../src/sidecar/daemon-record.ts';

const base: DaemonRecord = { delayMs: 604_800_000, periodMs: 3_600_000, endpointHost: 'telemetry.example:8443', hasSummary: false };
const summary: Summary = {
  files: [{ path: '/etc/connect/config.yaml', role: 'main', ignoredDocuments: 0, components: [
    { category: 'input', name: 'generate', path: 'input', known: true, defaulted: false },
    { category: 'output', name: 'drop', path: 'output', known: true, defaulted: false },
  ] }],
  instanceDefaults: [],
};

describe('afterReload', () => {
  it('records a good reload with its component count', () => {
    assert.deepEqual(afterReload(base, { kind: 'changed', summary }, 1000), { ...base, hasSummary: true, lastReload: { at: 1000, outcome: 'ok', components: 2 } });
  });

  it('keeps the count of an unchanged config', () => {
    const ok = afterReload(base, { kind: 'changed', summary }, 1000);
    assert.deepEqual(afterReload(ok, { kind: 'unchanged' }, 2000).lastReload, { at: 2000, outcome: 'ok', components: 2 });
  });

  it('records the class of a failure, never its message, and since when it fails', () => {
    const ok = afterReload(base, { kind: 'changed', summary }, 1000);
    const failed = afterReload(ok, { kind: 'failed', error: '/etc/connect/config.yaml: invalid YAML at line 3, column 1: secret_value', keptPrevious: true }, 2000);
    assert.deepEqual(failed, { ...base, hasSummary: true, lastReload: { at: 2000, outcome: 'failed', problem: 'invalid-yaml', failingSince: 2000 } });
    const still = afterReload(failed, { kind: 'failed', error: 'no such config file: /etc/connect/config.yaml', keptPrevious: true }, 3000);
    assert.deepEqual(still.lastReload, { at: 3000, outcome: 'failed', problem: 'missing', failingSince: 2000 });
    assert.ok(!JSON.stringify(still).includes('secret_value') && !JSON.stringify(still).includes('/etc/connect'));
  });
});

describe('parseDaemonRecord', () => {
  it('reads a record written as JSON', () => {
    const record = afterReload(base, { kind: 'changed', summary }, 1000);
    assert.deepEqual(parseDaemonRecord(JSON.parse(JSON.stringify(record))), record);
  });

  for (const [name, value] of [
    ['nothing', undefined],
    ['a string', 'x'],
    ['a negative delay', { ...base, delayMs: -1 }],
    ['a zero period', { ...base, periodMs: 0 }],
    ['no endpoint host', { delayMs: 1, periodMs: 1, hasSummary: true }],
  ] as const) {
    it(`refuses ${name}`, () => assert.equal(parseDaemonRecord(value), undefined));
  }

  it('drops an unknown problem class rather than show it', () => {
    const parsed = parseDaemonRecord({ ...base, lastReload: { at: 1, outcome: 'failed', problem: '<script>' } });
    assert.deepEqual(parsed?.lastReload, { at: 1, outcome: 'failed' });
  });
});
