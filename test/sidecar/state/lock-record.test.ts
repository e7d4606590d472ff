import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lockFileName, lockFilesIn, lockGeneration, parseLockRecord, serialiseLockRecord } from '../../../src/sidecar/state/lock-record.ts';

describe('lockGeneration', () => {
  const cases: [string, number | undefined][] = [
    ['state.lock', 0],
    ['state.lock.1', 1],
    ['state.lock.42', 42],
    ['state.lock.01', undefined],
    ['state.lock.tmp-0b5d1f7e', undefined],
    ['state.lock.1.bak', undefined],
    ['state.json', undefined],
  ];
  for (const [name, generation] of cases) it(`${name} → ${generation}`, () => assert.equal(lockGeneration(name), generation));
});

describe('lockFileName', () => {
  it('names generation 0 as earlier versions did, and the others by number', () => {
    assert.equal(lockFileName(0), 'state.lock');
    assert.equal(lockFileName(3), 'state.lock.3');
  });
});

describe('lockFilesIn', () => {
  it('lists lock files only, highest generation first', () => {
    assert.deepEqual(lockFilesIn(['state.json', 'state.lock.2', 'state.lock', 'state.lock.10', 'state.lock.tmp-x']), [
      { name: 'state.lock.10', generation: 10 },
      { name: 'state.lock.2', generation: 2 },
      { name: 'state.lock', generation: 0 },
    ]);
  });
});

describe('parseLockRecord', () => {
  it('reads what serialiseLockRecord wrote', () => {
    const text = serialiseLockRecord({ pid: 42, host: 'pod-a', since: Date.UTC(2026, 0, 2), token: 'abc', daemon: { periodMs: 1 } });
    assert.deepEqual(JSON.parse(text), { version: 1, pid: 42, host: 'pod-a', since: '2026-01-02T00:00:00.000Z', token: 'abc', daemon: { periodMs: 1 } });
    assert.deepEqual(parseLockRecord(text), { pid: 42, host: 'pod-a', since: Date.UTC(2026, 0, 2), token: 'abc', daemon: { periodMs: 1 } });
  });

  it("reads an earlier version's lock, which has no token", () => {
    assert.deepEqual(parseLockRecord('{"pid":7,"host":"h","since":"2026-01-01T00:00:00.000Z"}'), { pid: 7, host: 'h', since: Date.UTC(2026, 0, 1), token: '' });
  });

  for (const text of ['', '{"pid": 4', '[]', '{"pid":"7","host":"h","since":"2026-01-01T00:00:00Z"}', '{"pid":0,"host":"h","since":"2026-01-01T00:00:00Z"}', '{"pid":7,"host":"h","since":"soon"}']) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseLockRecord(text), undefined));
  }
});
