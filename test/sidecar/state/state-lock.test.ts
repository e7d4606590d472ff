import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/lib/errors.ts';
import type { ProcessKind } from '../../../src/sidecar/state/lock-holder.ts';
import { realStateFs } from '../../../src/sidecar/state/state-fs.ts';
import { LOCK_HEARTBEAT_MS, readLockHolder, StateLock, type LockDeps } from '../../../src/sidecar/state/state-lock.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ct-state-lock-'));
const NOW = Date.UTC(2026, 5, 1);

/** Lock deps for a daemon with `pid` on host `here`; `running` lists the PIDs this host's process table shows as connect-telemetry. */
function lockDeps(pid: number, running: Set<number>, extra: Partial<LockDeps> = {}): LockDeps {
  return {
    fs: realStateFs,
    clock: new FakeClock(NOW),
    pid,
    host: 'here',
    inspect: async (other: number): Promise<ProcessKind> => (running.has(other) ? 'connect-telemetry' : 'gone'),
    ...extra,
  };
}

const lockFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('state.lock')).sort();
const readLock = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid: number; host: string; token: string; daemon?: unknown };
const staleLock = (dir: string, name: string, pid: number, host = 'here') => {
  writeFileSync(join(dir, name), JSON.stringify({ version: 1, pid, host, since: new Date(NOW - 3600_000).toISOString(), token: 'old' }));
  utimesSync(join(dir, name), new Date(NOW - 1000), new Date(NOW - 1000));
};

async function acquire(dir: string, deps: LockDeps): Promise<StateLock> {
  const lock = await StateLock.acquire(dir, deps);
  assert.ok(lock instanceof StateLock, `locked: ${JSON.stringify(lock)}`);
  return lock;
}

describe('StateLock.acquire', () => {
  it('takes the first generation of an empty directory, and release removes it', async () => {
    const dir = tempDir();
    const lock = await acquire(dir, lockDeps(10, new Set()));
    assert.deepEqual(lockFiles(dir), ['state.lock.1']);
    assert.equal(readLock(dir, 'state.lock.1').pid, 10);
    assert.equal(statSync(join(dir, 'state.lock.1')).mode & 0o777, 0o600);
    await lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses while a running daemon holds the lock, naming it', async () => {
    const dir = tempDir();
    const running = new Set([10, 20]);
    const first = await acquire(dir, lockDeps(10, running));
    await assert.rejects(StateLock.acquire(dir, lockDeps(20, running)), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.exitCode, 3);
      assert.equal(error.message, `another connect-telemetry (pid 10 on here) is using the state directory ${dir}; give each daemon its own --state-dir`);
      return true;
    });
    await first.release();
  });

  it('takes over a stale lock with the next generation, and clears the old files', async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock.4', 44);
    writeFileSync(join(dir, 'state.lock.3'), 'left by an older takeover');
    writeFileSync(join(dir, 'state.lock.tmp-0b5d1f7e'), 'left by a killed start');
    const lock = await acquire(dir, lockDeps(10, new Set([10])));
    assert.deepEqual(lockFiles(dir), ['state.lock.5']);
    assert.equal(readLock(dir, 'state.lock.5').pid, 10);
    await lock.release();
  });

  it("takes over an earlier version's state.lock as generation 0", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.lock'), JSON.stringify({ pid: 44, host: 'here', since: new Date(NOW).toISOString() }));
    utimesSync(join(dir, 'state.lock'), new Date(NOW), new Date(NOW));
    const lock = await acquire(dir, lockDeps(10, new Set([10])));
    assert.deepEqual(lockFiles(dir), ['state.lock.1']);
    await lock.release();
  });

  it('counts a lock naming this very PID as left by a previous life (a restarted container is PID 1 again)', async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock.1', 1);
    const lock = await acquire(dir, lockDeps(1, new Set([1])));
    assert.deepEqual(lockFiles(dir), ['state.lock.2']);
    await lock.release();
  });

  it('counts a running connect-telemetry as the holder only while its lock is fresh', async () => {
    const dir = tempDir();
    const running = new Set([10, 44]);
    staleLock(dir, 'state.lock.1', 44);
    await assert.rejects(StateLock.acquire(dir, lockDeps(10, running)), /pid 44 on here/);
    utimesSync(join(dir, 'state.lock.1'), new Date(NOW - 3 * LOCK_HEARTBEAT_MS - 1000), new Date(NOW - 3 * LOCK_HEARTBEAT_MS - 1000));
    const lock = await acquire(dir, lockDeps(10, running));
    await lock.release();
  });

  it("treats another host's lock as held until it has missed three heartbeats", async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock.1', 44, 'elsewhere');
    await assert.rejects(StateLock.acquire(dir, lockDeps(10, new Set())), /pid 44 on elsewhere/);
    const old = new Date(NOW - 3 * LOCK_HEARTBEAT_MS - 1000);
    utimesSync(join(dir, 'state.lock.1'), old, old);
    const lock = await acquire(dir, lockDeps(10, new Set()));
    await lock.release();
  });

  it('treats an unreadable lock as one being written for a few seconds, then as stale', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.lock.1'), '{"pid": 4');
    utimesSync(join(dir, 'state.lock.1'), new Date(NOW - 1000), new Date(NOW - 1000));
    await assert.rejects(StateLock.acquire(dir, lockDeps(10, new Set())), /a lock being written/);
    utimesSync(join(dir, 'state.lock.1'), new Date(NOW - 60_000), new Date(NOW - 60_000));
    const lock = await acquire(dir, lockDeps(10, new Set()));
    await lock.release();
  });

  it('lets exactly one of twenty simultaneous starters take over a stale lock', async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock.7', 77);
    const starters = Array.from({ length: 20 }, (_, i) => 100 + i);
    const running = new Set(starters);
    const results = await Promise.allSettled(starters.map((pid) => StateLock.acquire(dir, lockDeps(pid, running))));
    const won = results.filter((r): r is PromiseFulfilledResult<StateLock> => r.status === 'fulfilled' && r.value instanceof StateLock);
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof UserError && r.reason.exitCode === 3);
    assert.equal(won.length, 1, 'one starter holds the lock');
    assert.equal(refused.length, 19, 'every other was refused with exit code 3');
    assert.deepEqual(lockFiles(dir), ['state.lock.8']);
    assert.equal(readLock(dir, 'state.lock.8').pid, starters[results.findIndex((r) => r.status === 'fulfilled')], "the lock names the winner");
    await won[0]?.value.release();
  });

  it('falls back to creating the file in place where hard links are not supported', async () => {
    const dir = tempDir();
    const noLinks = { ...realStateFs, link: async () => Promise.reject(Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' })) };
    const lock = await acquire(dir, lockDeps(10, new Set(), { fs: noLinks }));
    assert.deepEqual(lockFiles(dir), ['state.lock.1']);
    await lock.release();
  });

  it('says why when the directory cannot hold a lock at all', async () => {
    const dir = tempDir();
    const readOnly = { ...realStateFs, writeFileExclusive: async () => Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })) };
    assert.deepEqual(await StateLock.acquire(dir, lockDeps(10, new Set(), { fs: readOnly })), { code: 'EROFS', message: 'EROFS: read-only file system' });
  });
});

describe('StateLock heartbeat', () => {
  it('touches the lock every heartbeat on the clock', async () => {
    const dir = tempDir();
    const clock = new FakeClock(NOW);
    const lock = await acquire(dir, lockDeps(10, new Set(), { clock }));
    utimesSync(join(dir, 'state.lock.1'), new Date(NOW - 50_000), new Date(NOW - 50_000));
    await clock.advance(LOCK_HEARTBEAT_MS);
    assert.equal(statSync(join(dir, 'state.lock.1')).mtimeMs, NOW + LOCK_HEARTBEAT_MS);
    await lock.release();
    assert.equal(clock.pending, 0, 'no heartbeat left after release');
  });

  it('notices a lock taken by another daemon, says by whom, and then leaves that lock alone', async () => {
    const dir = tempDir();
    const clock = new FakeClock(NOW);
    const lost: string[] = [];
    const lock = await acquire(dir, lockDeps(10, new Set(), { clock, onLost: (holder) => lost.push(holder) }));
    writeFileSync(join(dir, 'state.lock.2'), JSON.stringify({ version: 1, pid: 20, host: 'there', since: new Date(NOW).toISOString(), token: 'theirs' }));
    await clock.advance(LOCK_HEARTBEAT_MS);
    assert.deepEqual(lost, ['pid 20 on there']);
    assert.equal(lock.lost, true);
    await clock.advance(5 * LOCK_HEARTBEAT_MS);
    assert.equal(lost.length, 1, 'told once');
    await lock.release();
    assert.ok(existsSync(join(dir, 'state.lock.2')), "the other daemon's lock is not removed");
  });

  it('notices its own lock file replaced, and does not remove the replacement', async () => {
    const dir = tempDir();
    const clock = new FakeClock(NOW);
    const lost: string[] = [];
    const lock = await acquire(dir, lockDeps(10, new Set(), { clock, onLost: (holder) => lost.push(holder) }));
    writeFileSync(join(dir, 'state.lock.1'), JSON.stringify({ version: 1, pid: 20, host: 'there', since: new Date(NOW).toISOString(), token: 'theirs' }));
    await clock.advance(LOCK_HEARTBEAT_MS);
    assert.equal(lost.length, 1);
    await lock.release();
    assert.equal(readLock(dir, 'state.lock.1').token, 'theirs');
  });
});

describe('readLockHolder', () => {
  it('looks again when the lock it listed is removed before it is read, as a new holder clears the generations below its own', async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock', 7);
    const newHolder = JSON.stringify({ version: 1, pid: 42, host: 'there', since: new Date(NOW).toISOString(), token: 'new' });
    // Between our lstat and our read, another process takes generation 1 and removes generation 0.
    const racingFs = {
      ...realStateFs,
      async lstat(path: string) {
        const stats = await realStateFs.lstat(path);
        if (path === join(dir, 'state.lock')) {
          writeFileSync(join(dir, 'state.lock.1'), newHolder);
          rmSync(path);
        }
        return stats;
      },
    };
    const holder = await readLockHolder(dir, racingFs);
    assert.equal(holder?.name, 'state.lock.1');
    assert.equal(holder?.record?.pid, 42);
    assert.equal(holder?.record?.host, 'there');
  });

  it('says there is no holder once the only lock file it listed is gone', async () => {
    const dir = tempDir();
    staleLock(dir, 'state.lock', 7);
    // The holder releases its lock just after our listing.
    const releasingFs = {
      ...realStateFs,
      async readdir(path: string) {
        const names = await realStateFs.readdir(path);
        rmSync(join(dir, 'state.lock'), { force: true });
        return names;
      },
    };
    assert.equal(await readLockHolder(dir, releasingFs), undefined);
  });
});

describe('StateLock.describe', () => {
  it('records what status shows in the lock file, keeping the lock itself', async () => {
    const dir = tempDir();
    const lock = await acquire(dir, lockDeps(10, new Set()));
    const token = readLock(dir, 'state.lock.1').token;
    await lock.describe({ periodMs: 3_600_000 });
    assert.deepEqual(readLock(dir, 'state.lock.1').daemon, { periodMs: 3_600_000 });
    assert.equal(readLock(dir, 'state.lock.1').token, token);
    const holder = await readLockHolder(dir, realStateFs);
    assert.deepEqual(holder?.record?.daemon, { periodMs: 3_600_000 });
    assert.deepEqual(lockFiles(dir), ['state.lock.1'], 'no temporary file left');
    await lock.release();
  });
});
