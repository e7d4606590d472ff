import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, serialiseState, type State } from '../../../src/sidecar/state/state.ts';

const state: State = {
  instanceId: '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
  firstStartedAt: Date.UTC(2026, 0, 1, 12, 0, 0, 123),
  lastReport: { at: Date.UTC(2026, 0, 8, 12), outcome: 'sent', status: 204 },
};

describe('state serialisation', () => {
  it('round-trips', () => assert.deepEqual(parseState(serialiseState(state)), { ok: true, state }));

  it('writes a versioned, readable file', () => {
    const json = JSON.parse(serialiseState(state)) as Record<string, unknown>;
    assert.equal(json['version'], 1);
    assert.equal(json['firstStartedAt'], '2026-01-01T12:00:00.123Z');
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['truncated', serialiseState(state).slice(0, 40), /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['a future version', JSON.stringify({ ...JSON.parse(serialiseState(state)), version: 2 }), /unsupported state format version 2/],
    ['a bad ID', JSON.stringify({ version: 1, instanceId: 'me', firstStartedAt: '2026-01-01T00:00:00Z' }), /UUID/],
    ['a bad time', JSON.stringify({ version: 1, instanceId: state.instanceId, firstStartedAt: 12 }), /firstStartedAt/],
    ['a bad last report', JSON.stringify({ version: 1, instanceId: state.instanceId, firstStartedAt: '2026-01-01T00:00:00Z', lastReport: { at: 'x', outcome: 'sent' } }), /lastReport/],
  ];
  for (const [what, text, reason] of bad) {
    it(`rejects ${what}`, () => {
      const parsed = parseState(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.reason, reason);
    });
  }
});
