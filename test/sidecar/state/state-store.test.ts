import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore, peekState } from '../../../src/sidecar/state/state-store.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

let counter = 0;
const ids = () => `2f1d3a4b-5c6d-4e7f-8a9b-${String(++counter).padStart(12, '0')}`;
const deps = (warnings: string[] = []) => ({ clock: new FakeClock(Date.UTC(2026, 0, 1)), randomId: ids, warn: (m: string) => void warnings.push(m) });

describe('StateStore', () => {
  it('creates an identity in a 0700 directory with a 0600 file, and keeps it across a restart', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ct-store-')), 'state');
    const first = await StateStore.open(dir, deps());
    const id = first.state.instanceId;
    await first.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    const second = await StateStore.open(dir, { ...deps(), clock: new FakeClock(Date.UTC(2027, 0, 1)) });
    assert.equal(second.state.instanceId, id);
    assert.equal(second.state.firstStartedAt, Date.UTC(2026, 0, 1));
    await second.close();
    assert.equal((await peekState(dir)).state?.instanceId, id);
  });

  it('refuses a second daemon on the same directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-lock-'));
    const first = await StateStore.open(dir, deps());
    await assert.rejects(
      StateStore.open(dir, { ...deps(), pid: process.pid + 1 }),
      (error: unknown) => error instanceof UserError && error.exitCode === 3 && /another connect-telemetry \(pid \d+ on .*\) is using the state directory/.test(error.message),
    );
    await first.close();
    const again = await StateStore.open(dir, deps());
    assert.equal(again.state.instanceId, first.state.instanceId);
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-stale-'));
    writeFileSync(join(dir, 'state.lock'), JSON.stringify({ pid: 999_999, host: 'here', since: 'x' }));
    const store = await StateStore.open(dir, { ...deps(), host: 'here', isAlive: () => false });
    assert.ok(store.persistent);
    await store.close();
  });

  it('sets a corrupt state file aside and starts a fresh identity, with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-corrupt-'));
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
});
