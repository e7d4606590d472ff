/**
 * State faults against the running daemon: a read-only state volume (a
 * tmpfs mounted read-only, when this user may mount), a state path under a
 * regular file, and the crash test on the real binary: `run` killed with
 * SIGKILL at random moments and restarted on the same state directory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialiseState, STATE_FILE_NAME } from '../../src/sidecar/state/state.ts';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { alive, FULL, GOOD_A, runArgs } from './daemon-helpers.ts';
import { crashSeed } from './state-crash.ts';
import { cleanRunAfterKills, daemonCrashTest } from './state-crash-daemon.ts';
import { tempDir } from './helpers.ts';

const KILLS = Number(process.env['FAULT_DAEMON_KILLS'] ?? (FULL ? 200 : 10));
const WATCHING = /watching the config/;

const stubs: Stub[] = [];
const mounts: string[] = [];
after(async () => {
  killAllBinaries();
  for (const mount of mounts) spawnSync('umount', ['-l', mount]);
  await Promise.all(stubs.map((s) => s.close()));
});

async function stub() {
  const s = await startStub();
  stubs.push(s);
  return s;
}

const ids = (s: Stub) => s.received.map((r) => (JSON.parse(r.body) as { id: string }).id);

/** A tmpfs at `dir`, or undefined when this user may not mount one. */
function mountTmpfs(dir: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}

/** A fresh tmpfs for one test, unmounted and removed when the test ends. */
function stateVolume(t: { after: (fn: () => void) => void }): string {
  const parent = mkdtempSync(join(tmpdir(), 'ct-volume-'));
  const dir = mountTmpfs(join(parent, 'state'));
  t.after(() => {
    spawnSync('umount', ['-l', join(parent, 'state')]);
    rmSync(parent, { recursive: true, force: true });
  });
  assert.ok(dir, 'mounted');
  return dir;
}
const remountReadOnly = (dir: string) => execFileSync('mount', ['-o', 'remount,ro', dir]);

const canMount = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'ct-mount-probe-'));
  const ok = mountTmpfs(probe) !== undefined;
  if (ok) {
    spawnSync('umount', [probe]);
    mounts.pop();
  }
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();
const NO_MOUNT = 'cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); the same faults are injected through StateFs in state-faults.test.ts';

describe('state faults against the running daemon', () => {
  it('a read-only state volume: reports go on with an in-memory ID, one warning', { skip: !canMount && NO_MOUNT }, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'config.yaml'), GOOD_A);
    const state = stateVolume(t);
    remountReadOnly(state);
    const server = await stub();
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), state, server.url));
    await server.waitFor(3);
    assert.ok(alive(daemon));
    const warnings = daemon.logs.filter((l) => l['level'] === 40);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(String(warnings[0]!['msg']), /read-only file system|EROFS/i);
    assert.match(String(warnings[0]!['msg']), /in-memory instance ID/);
    const watching = daemon.logs.find((l) => WATCHING.test(String(l['msg'])))!;
    assert.match(String(watching['stateDir']), /not writable: in memory/);
    assert.equal(new Set(ids(server)).size, 1, 'one ID across reports');
    assert.equal(ids(server)[0], watching['instanceId']);
    assert.equal((await daemon.stop()).code, 0);
    assert.deepEqual(readdirSync(state), []);
  });

  it('a read-only state volume that holds a state file: its identity is used, in memory', { skip: !canMount && NO_MOUNT }, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'config.yaml'), GOOD_A);
    const state = stateVolume(t);
    const id = crypto.randomUUID();
    const original = serialiseState({ instanceId: id, firstStartedAt: Date.now() - 3_600_000 });
    writeFileSync(join(state, STATE_FILE_NAME), original, { mode: 0o600 });
    remountReadOnly(state);
    const server = await stub();
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), state, server.url));
    await server.waitFor(2);
    assert.ok(alive(daemon));
    assert.deepEqual([...new Set(ids(server))], [id], 'the stored identity is reported');
    const uptime = (JSON.parse(server.received[0]!.body) as { uptime: number }).uptime;
    assert.ok(uptime >= 3600, `uptime counts from the stored first start (${uptime} s)`);
    assert.equal(daemon.logs.filter((l) => l['level'] === 40).length, 1, daemon.stderr());
    assert.equal((await daemon.stop()).code, 0);
    assert.equal(readFileSync(join(state, STATE_FILE_NAME), 'utf8'), original);
  });

  it('a state path under a regular file: reports go on with an in-memory ID, one warning', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'config.yaml'), GOOD_A);
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const server = await stub();
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'not-a-dir', 'state'), server.url));
    await server.waitFor(3);
    assert.ok(alive(daemon));
    const warnings = daemon.logs.filter((l) => l['level'] === 40);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(String(warnings[0]!['msg']), /cannot create the state directory .*ENOTDIR.*in-memory instance ID/);
    assert.equal(new Set(ids(server)).size, 1);
    assert.equal((await daemon.stop()).code, 0);
  });

  it(`the daemon survives ${KILLS} SIGKILLs at moments drawn from a seed: valid state, one identity, the dead process's lock taken over at once`, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'config.yaml'), GOOD_A);
    const stateDir = join(dir, 'state');
    const server = await stub();
    const seed = crashSeed();
    t.diagnostic(`seed ${seed} (replay with FAULT_SEED=${seed})`);
    // Reports every 5 ms once the first is out: the state file is rewritten all the time.
    const args = runArgs(join(dir, 'config.yaml'), stateDir, server.url, ['--period', '5ms', '--timeout', '1s']);
    const figures = await daemonCrashTest(args, stateDir, server, KILLS, seed);
    await cleanRunAfterKills(args, stateDir, server, figures, seed);
    t.diagnostic(
      `kills ${KILLS}: ${figures.duringStartUp} during start-up, ${figures.afterReports} after reports; state checks ${figures.stateChecks}; reports received ${figures.reportsReceived}`,
    );
    assert.ok(figures.afterReports > 0, `some kills came after reports, while the state file is rewritten (seed ${seed})`);
  });
});
