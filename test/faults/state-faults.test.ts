/**
 * State faults: bad state files, odd state paths, full and read-only disks
 * (injected through StateFs), file modes, a second daemon and a stale lock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/lib/clock.ts';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/lib/errors.ts';
import { parseState, serialiseState, STATE_FILE_NAME, STATE_FORMAT_VERSION } from '../../src/sidecar/state/state.ts';
import { LOCK_FILE_NAME, realStateFs, StateStore, type StateFs, type StoreDeps } from '../../src/sidecar/state/state-store.ts';
import { tempDir } from './helpers.ts';

interface Opened {
  store: StateStore;
  warnings: string[];
}

async function open(dir: string, extra: { fs?: StateFs; pid?: number; inspect?: StoreDeps['inspect'] } = {}): Promise<Opened> {
  const warnings: string[] = [];
  const store = await StateStore.open(dir, { clock: systemClock, randomId: randomUUID, warn: (m) => void warnings.push(m), ...extra });
  return { store, warnings };
}

const errno = (code: string) => Object.assign(new Error(`${code}: injected fault`), { code });

/** The real filesystem, with chosen calls failing with an errno code until `heal()`. */
function faultyFs(failures: Partial<Record<keyof StateFs, string>>) {
  const calls: string[] = [];
  let healed = false;
  const wrap =
    <K extends keyof StateFs>(name: K) =>
    async (...args: unknown[]) => {
      calls.push(name);
      const code = failures[name];
      if (code && !healed) throw errno(code);
      return (realStateFs[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  const fs = Object.fromEntries(Object.keys(realStateFs).map((name) => [name, wrap(name as keyof StateFs)])) as unknown as StateFs;
  return { fs, calls, heal: () => (healed = true) };
}

const saved = (dir: string) => parseState(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'));

describe('state faults: unusable state files are set aside', () => {
  const good = serialiseState({ instanceId: randomUUID(), firstStartedAt: Date.UTC(2026, 0, 1) });
  const cases: [string, string][] = [
    ['truncated', good.slice(0, Math.floor(good.length / 2))],
    ['empty', ''],
    ['not JSON', 'instanceId = "x"\n'],
    ['binary', '\u0000\u0001\u00ff\ufffd'],
    ['a JSON list', '[1, 2, 3]'],
    ['wrong-typed ID', JSON.stringify({ version: STATE_FORMAT_VERSION, instanceId: 42, firstStartedAt: '2026-01-01T00:00:00Z' })],
    ['wrong-typed time', JSON.stringify({ version: STATE_FORMAT_VERSION, instanceId: randomUUID(), firstStartedAt: 'yesterday' })],
    ['future version', JSON.stringify({ version: STATE_FORMAT_VERSION + 1, instanceId: randomUUID(), firstStartedAt: '2026-01-01T00:00:00Z' })],
    ['malformed last report', JSON.stringify({ version: STATE_FORMAT_VERSION, instanceId: randomUUID(), firstStartedAt: '2026-01-01T00:00:00Z', lastReport: { at: 1 } })],
  ];
  for (const [name, text] of cases) {
    it(name, async (t) => {
      const dir = tempDir(t);
      writeFileSync(join(dir, STATE_FILE_NAME), text);
      const { store, warnings } = await open(dir);
      await store.close();
      const aside = readdirSync(dir).filter((entry) => entry.startsWith(`${STATE_FILE_NAME}.corrupt-`));
      assert.equal(aside.length, 1, 'the bad file is kept under a .corrupt- name');
      assert.equal(readFileSync(join(dir, aside[0] ?? ''), 'utf8'), text, 'set aside unchanged');
      assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
      assert.match(warnings[0] ?? '', /unusable|cannot read/);
      assert.match(warnings[0] ?? '', /fresh instance ID/);
      const now = saved(dir);
      assert.ok(now.ok, 'a fresh, valid state file');
      assert.equal(now.state.instanceId, store.state.instanceId);
      assert.ok(store.persistent);
    });
  }
});

describe('state faults: odd state paths', () => {
  it('the state path is a directory', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, STATE_FILE_NAME));
    const { store, warnings } = await open(dir);
    await store.close();
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.ok(statSync(join(dir, STATE_FILE_NAME)).isFile());
    assert.ok(saved(dir).ok);
  });

  it('the state path is a dangling symlink: nothing is written outside the directory', async (t) => {
    const dir = tempDir(t);
    const outside = tempDir(t);
    const target = join(outside, 'elsewhere.json');
    symlinkSync(target, join(dir, STATE_FILE_NAME));
    const { store } = await open(dir);
    await store.close();
    assert.ok(store.persistent);
    const after = saved(dir);
    assert.ok(after.ok && after.state.instanceId === store.state.instanceId);
    assert.equal(existsSync(target), false, 'the link target was not created');
    assert.ok(lstatSync(join(dir, STATE_FILE_NAME)).isFile(), 'the link was replaced by a file');
  });

  it('writes the file 0600 in a 0700 directory, also when the directory existed with looser modes', async (t) => {
    const fresh = join(tempDir(t), 'new', 'state');
    const existing = tempDir(t);
    chmodSync(existing, 0o755);
    for (const dir of [fresh, existing]) {
      const { store } = await open(dir);
      await store.close();
      assert.equal(statSync(dir).mode & 0o777, 0o700, `${dir} is 0700`);
      assert.equal(statSync(join(dir, STATE_FILE_NAME)).mode & 0o777, 0o600, 'state.json is 0600');
    }
  });
});

describe('state faults: full and read-only disks (injected)', () => {
  for (const code of ['ENOSPC', 'EDQUOT', 'EIO']) {
    it(`${code} on write: keeps the state in memory, warns, and writes once the disk recovers`, async (t) => {
      const dir = tempDir(t);
      const faulty = faultyFs({ writeFileAtomic: code });
      const { store, warnings } = await open(dir, { fs: faulty.fs });
      assert.ok(warnings.length >= 1 && warnings.every((w) => w.includes(code)), warnings.join(' | '));
      const id = store.state.instanceId;
      const report = { at: Date.now(), outcome: 'sent' as const, status: 204 };
      assert.equal(await store.save({ ...store.state, lastReport: report }), false);
      assert.deepEqual(store.state.lastReport, report, 'the state lives on in memory');
      faulty.heal();
      assert.equal(await store.save(store.state), true, 'written once the disk has room');
      const after = saved(dir);
      assert.ok(after.ok && after.state.instanceId === id && after.state.lastReport?.status === 204);
      await store.close();
    });
  }

  for (const code of ['EROFS', 'EACCES']) {
    it(`${code} on write: runs in memory with one warning, and stops trying`, async (t) => {
      const dir = tempDir(t);
      const faulty = faultyFs({ writeFileAtomic: code });
      const { store, warnings } = await open(dir, { fs: faulty.fs });
      assert.equal(store.persistent, false);
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.match(warnings[0] ?? '', /in-memory instance ID/);
      const writes = faulty.calls.filter((c) => c === 'writeFileAtomic').length;
      for (let i = 0; i < 5; i++) assert.equal(await store.save({ ...store.state, lastReport: { at: i, outcome: 'failed' } }), false);
      assert.equal(store.state.lastReport?.at, 4);
      assert.equal(faulty.calls.filter((c) => c === 'writeFileAtomic').length, writes, 'no more writes are tried');
      assert.equal(warnings.length, 1, 'no more warnings');
      await store.close();
    });
  }

  for (const [call, code] of [['mkdir', 'EROFS'], ['mkdir', 'EACCES'], ['writeFileExclusive', 'EROFS'], ['writeFileExclusive', 'ENOSPC']] as const) {
    it(`${code} on ${call}: opens in memory with a warning`, async (t) => {
      const dir = tempDir(t);
      const faulty = faultyFs({ [call]: code });
      const { store, warnings } = await open(dir, { fs: faulty.fs });
      assert.equal(store.persistent, false);
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.ok(warnings[0]?.includes(code));
      assert.match(store.state.instanceId, /^[0-9a-f-]{36}$/);
      await store.close();
      assert.equal(existsSync(join(dir, STATE_FILE_NAME)), false);
    });
  }

  it('EROFS on the lock with a state file present: the stored identity is used in memory, the file untouched', async (t) => {
    const dir = tempDir(t);
    const original = serialiseState({ instanceId: randomUUID(), firstStartedAt: Date.UTC(2026, 0, 1) });
    writeFileSync(join(dir, STATE_FILE_NAME), original);
    const faulty = faultyFs({ writeFileExclusive: 'EROFS', writeFileAtomic: 'EROFS' });
    const { store, warnings } = await open(dir, { fs: faulty.fs });
    assert.equal(store.state.instanceId, JSON.parse(original).instanceId);
    assert.equal(store.state.firstStartedAt, Date.UTC(2026, 0, 1));
    assert.equal(store.persistent, false);
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.match(warnings[0] ?? '', /read-only.*using the instance ID stored there/);
    assert.equal(await store.save({ ...store.state, lastReport: { at: 1, outcome: 'sent' } }), false);
    await store.close();
    assert.equal(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'), original);
  });

  it('EACCES on the lock with a state file present: the file is not taken over (it may be another daemon\'s)', async (t) => {
    const dir = tempDir(t);
    const original = serialiseState({ instanceId: randomUUID(), firstStartedAt: Date.UTC(2026, 0, 1) });
    writeFileSync(join(dir, STATE_FILE_NAME), original);
    const { store, warnings } = await open(dir, { fs: faultyFs({ writeFileExclusive: 'EACCES' }).fs });
    assert.notEqual(store.state.instanceId, JSON.parse(original).instanceId);
    assert.equal(store.persistent, false);
    assert.match(warnings.join(' | '), /in-memory instance ID/);
    await store.close();
  });

  for (const code of ['EIO', 'EMFILE', 'ENFILE', 'EACCES']) {
    it(`${code} on read: the file is left untouched and the run goes on in memory; the identity survives`, async (t) => {
      const dir = tempDir(t);
      const original = serialiseState({ instanceId: randomUUID(), firstStartedAt: Date.UTC(2026, 0, 1) });
      writeFileSync(join(dir, STATE_FILE_NAME), original);
      const faulty = faultyFs({ readStateFile: code });
      const { store, warnings } = await open(dir, { fs: faulty.fs });
      assert.equal(store.persistent, false, 'in memory');
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.ok(warnings[0]?.includes(code), warnings[0]);
      assert.match(warnings[0] ?? '', /left as it is.*in-memory instance ID/);
      assert.equal(await store.save({ ...store.state, lastReport: { at: 1, outcome: 'sent' } }), false, 'nothing is written');
      await store.close();
      assert.equal(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'), original, 'the file is unchanged');
      assert.deepEqual(readdirSync(dir).filter((e) => e.includes('.corrupt-')), [], 'nothing set aside');
      // Once the error has passed, the next start has the old identity back.
      faulty.heal();
      const again = await open(dir, { fs: faulty.fs });
      assert.ok(again.store.persistent);
      assert.equal(again.store.state.instanceId, (saved(dir) as { state: { instanceId: string } }).state.instanceId);
      assert.equal(again.store.state.instanceId, JSON.parse(original).instanceId);
      assert.deepEqual(again.warnings, []);
      await again.store.close();
    });
  }
});

describe('state faults: locking', () => {
  it('a second store on one directory is refused with exit code 3', async (t) => {
    const dir = tempDir(t);
    // This test process plays both daemons: its PID counts as a running connect-telemetry.
    const running = async (pid: number) => (pid === process.pid ? ('connect-telemetry' as const) : ('gone' as const));
    const first = await open(dir, { inspect: running });
    await assert.rejects(open(dir, { pid: process.pid + 100_000, inspect: running }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.exitCode, 3);
      assert.ok(error.message.includes(dir));
      assert.match(error.message, new RegExp(`pid ${process.pid}`));
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    await first.store.close();
    const again = await open(dir, { pid: process.pid + 100_000, inspect: running });
    assert.equal(again.store.state.instanceId, first.store.state.instanceId);
    await again.store.close();
  });

  it('a lock left by a dead process of this host is taken over', async (t) => {
    const dir = tempDir(t);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    assert.ok(deadPid > 0);
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid, host: hostname(), since: new Date(0).toISOString() }));
    const { store } = await open(dir);
    assert.ok(store.persistent);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith(LOCK_FILE_NAME)), [`${LOCK_FILE_NAME}.1`], 'the next generation replaces it');
    assert.equal(JSON.parse(readFileSync(join(dir, `${LOCK_FILE_NAME}.1`), 'utf8')).pid, process.pid, 'the lock is now ours');
    await store.close();
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith(LOCK_FILE_NAME)), [], 'released on close');
  });

  it('a lock of this host whose PID is now another program is taken over', async (t) => {
    const dir = tempDir(t);
    // PID 1 of this test's namespace is never connect-telemetry (an init, a shell, or the test runner).
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: 1, host: hostname(), since: new Date().toISOString() }));
    const { store } = await open(dir);
    assert.ok(store.persistent);
    await store.close();
  });

  it('a half-written lock file left by a killed start is taken over', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, LOCK_FILE_NAME), '{"pid": 12');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE_NAME), minuteAgo, minuteAgo);
    const { store } = await open(dir);
    assert.ok(store.persistent);
    await store.close();
  });
});
