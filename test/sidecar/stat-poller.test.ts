import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, pollForChanges } from '../../src/sidecar/stat-poller.ts';
import { FakeClock, settle } from '../helpers/fake-clock.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ct-poll-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'input: {}\n');
  return { dir, file };
}

describe('fingerprint', () => {
  it('changes when a file is rewritten, and when a stream file appears', async () => {
    const { dir, file } = setup();
    const streams = join(dir, 'streams');
    mkdirSync(streams);
    const before = await fingerprint({ files: [file], directories: [streams] });
    writeFileSync(file, 'input: {}\noutput: {}\n');
    const rewritten = await fingerprint({ files: [file], directories: [streams] });
    assert.notEqual(rewritten, before);
    writeFileSync(join(streams, 'a.yaml'), 'input: {}\n');
    assert.notEqual(await fingerprint({ files: [file], directories: [streams] }), rewritten);
  });

  it('names a missing file as missing instead of failing', async () => {
    const { dir } = setup();
    assert.equal(await fingerprint({ files: [join(dir, 'nope.yaml')], directories: [] }), `${join(dir, 'nope.yaml')}:missing`);
  });
});

describe('pollForChanges', () => {
  it('looks once at start, then once per interval on the clock, and tells only of a change', async () => {
    const { file } = setup();
    const clock = new FakeClock();
    let firsts = 0;
    let changes = 0;
    const stop = pollForChanges({ files: [file], directories: [] }, { clock, intervalMs: 1000, onChange: () => changes++ }, () => firsts++);
    await settle();
    assert.equal(firsts, 1);
    await clock.advance(1000);
    assert.equal(changes, 0, 'nothing changed');
    writeFileSync(file, 'input: {}\noutput: {}\n');
    await clock.advance(999);
    assert.equal(changes, 0, 'not before the interval');
    await clock.advance(1);
    assert.equal(changes, 1);
    stop();
    writeFileSync(file, 'input: {}\n');
    await clock.advance(5000);
    assert.equal(changes, 1, 'nothing after stopping');
    assert.equal(clock.pending, 0, 'no timer left');
  });
});
