import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore, peekState } from '../../../src/sidecar/state/state-store.ts';
import { serialiseState } from '../../../src/sidecar/state/state.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

let counter = 0;
const ids = () => `2f1d3a4b-5c6d-4e7f-8a9b-${String(++counter).padStart(12, '0')}`;
/** Every other PID counts as a running connect-telemetry: this test process plays each daemon in turn. */
const deps = (warnings: string[] = []) => ({
  clock: new FakeClock(Date.now()),
  randomId: ids,
  warn: (m: string) => void warnings.push(m),
  inspect: async () => 'connect-telemetry' as const,
});
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('StateStore', () => {
  it('creates an identity in a 0700 directory with a 0600 file, and keeps it across a restart', async () => {
    const dir = join(tempDir('ct-store-'), 'state');
    const first = await StateStore.open(dir, { ...deps(), clock: new FakeClock(Date.UTC(2026, 0, 1)) });
    const id = first.state.instanceId;
    await first.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    const second = await StateStore.open(dir, deps());
    assert.equal(second.state.instanceId, id);
    assert.equal(second.state.firstStartedAt, Date.UTC(2026, 0, 1));
    await second.close();
    assert.equal((await peekState(dir)).state?.instanceId, id);
  });

  it('refuses a second daemon on the same directory', async () => {
    const dir = tempDir('ct-lock-');
    const first = await StateStore.open(dir, { ...deps(), pid: 100 });
    await assert.rejects(
      StateStore.open(dir, { ...deps(), pid: 200 }),
      (error: unknown) => error instanceof UserError && error.exitCode === 3 && /another connect-telemetry \(pid 100 on .*\) is using the state directory/.test(error.message),
    );
    await first.close();
    const again = await StateStore.open(dir, { ...deps(), pid: 200 });
    assert.equal(again.state.instanceId, first.state.instanceId);
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = tempDir('ct-stale-');
    writeFileSync(join(dir, 'state.lock'), JSON.stringify({ pid: 999_999, host: 'here', since: new Date().toISOString() }));
    const store = await StateStore.open(dir, { ...deps(), host: 'here', inspect: async () => 'gone' as const });
    assert.ok(store.persistent);
    await store.close();
  });

  it('sets a corrupt state file aside and starts a fresh identity, with a warning', async () => {
    const dir = tempDir('ct-corrupt-');
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "instanceId": ');
    const warnings: string[] = [];
    const store = await StateStore.open(dir, deps(warnings));
    await store.close();
    assert.match(warnings.join('\n'), /unusable \(the file is not valid JSON\); moved it to .*state\.json\.corrupt-/);
    const aside = readdirSync(dir).find((name) => name.startsWith('state.json.corrupt-'));
    assert.ok(aside);
    assert.equal(readFileSync(join(dir, aside), 'utf8'), '{"version": 1, "instanceId": ');
    assert.equal((await peekState(dir)).state?.instanceId, store.state.instanceId);
  });

  it('never follows a state.json that is a symbolic link: the link is set aside, its target untouched', async () => {
    const dir = tempDir('ct-link-');
    const outside = tempDir('ct-outside-');
    const target = join(outside, 'state.json');
    const original = serialiseState({ instanceId: '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f', firstStartedAt: Date.UTC(2025, 0, 1) });
    writeFileSync(target, original, { mode: 0o644 });
    symlinkSync(target, join(dir, 'state.json'));
    const warnings: string[] = [];
    const store = await StateStore.open(dir, deps(warnings));
    await store.save({ ...store.state, lastReport: { at: Date.now(), outcome: 'sent', status: 204 } });
    await store.close();
    assert.notEqual(store.state.instanceId, '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f', 'the linked identity is not taken');
    assert.equal(readFileSync(target, 'utf8'), original, 'the target is not rewritten');
    assert.equal(statSync(target).mode & 0o777, 0o644, "the target's mode is not changed");
    assert.deepEqual(readdirSync(outside), ['state.json'], 'nothing is written beside the target');
    assert.ok(lstatSync(join(dir, 'state.json')).isFile(), 'state.json is a regular file now');
    const aside = readdirSync(dir).find((name) => name.startsWith('state.json.corrupt-'));
    assert.ok(aside && lstatSync(join(dir, aside)).isSymbolicLink(), 'the link itself was set aside');
    assert.equal(readlinkSync(join(dir, aside)), target);
    assert.match(warnings.join('\n'), /is a symbolic link, which is never followed out of the state directory; moved it to/);
  });

  it('sets aside a symbolic link put in place of state.json while it runs, before writing', async () => {
    const dir = tempDir('ct-link-later-');
    const outside = tempDir('ct-outside-');
    const target = join(outside, 'victim.json');
    writeFileSync(target, 'do not touch\n', { mode: 0o644 });
    const store = await StateStore.open(dir, deps());
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'state.json'));
    symlinkSync(target, join(dir, 'state.json'));
    assert.equal(await store.save({ ...store.state, lastReport: { at: Date.now(), outcome: 'sent' } }), true);
    await store.close();
    assert.equal(readFileSync(target, 'utf8'), 'do not touch\n');
    assert.ok(lstatSync(join(dir, 'state.json')).isFile());
    assert.equal((await peekState(dir)).state?.lastReport?.outcome, 'sent');
  });

  it('fixes the modes of an existing state file (0600) and directory (0700) at start, before any write', async () => {
    const dir = tempDir('ct-modes-');
    chmodSync(dir, 0o755);
    const original = serialiseState({ instanceId: '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f', firstStartedAt: Date.UTC(2025, 0, 1) });
    writeFileSync(join(dir, 'state.json'), original, { mode: 0o644 });
    chmodSync(join(dir, 'state.json'), 0o644);
    const store = await StateStore.open(dir, deps());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), original, 'not rewritten: only its mode changed');
    await store.close();
  });

  for (const [what, make] of [
    ['a directory', (path: string) => mkdirSync(path)],
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path])],
  ] as const) {
    it(`sets aside ${what} where state.json should be, without blocking on it`, async () => {
      const dir = tempDir('ct-odd-');
      make(join(dir, 'state.json'));
      const store = await StateStore.open(dir, deps());
      await store.close();
      assert.ok(lstatSync(join(dir, 'state.json')).isFile());
      assert.equal(readdirSync(dir).filter((name) => name.startsWith('state.json.corrupt-')).length, 1);
    });
  }
});

describe('peekState', () => {
  it('reads the state without changing anything', async () => {
    const dir = tempDir('ct-peek-');
    const original = serialiseState({ instanceId: '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f', firstStartedAt: Date.UTC(2025, 0, 1) });
    writeFileSync(join(dir, 'state.json'), original);
    chmodSync(join(dir, 'state.json'), 0o644);
    assert.equal((await peekState(dir)).state?.instanceId, '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f');
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o644);
  });

  it('does not follow a symbolic link, and says so', async () => {
    const dir = tempDir('ct-peek-link-');
    const outside = tempDir('ct-outside-');
    writeFileSync(join(outside, 'x.json'), serialiseState({ instanceId: '0b5d1f7e-8c2a-4d3b-9e4f-5a6b7c8d9e0f', firstStartedAt: 0 }));
    symlinkSync(join(outside, 'x.json'), join(dir, 'state.json'));
    const peeked = await peekState(dir);
    assert.equal(peeked.state, undefined);
    assert.match(peeked.reason, /is a symbolic link, which is never followed out of the state directory/);
  });
});
