/**
 * The crash test on the built daemon: `run` killed with SIGKILL at moments
 * drawn from a seed and restarted on the same state directory. A kill lands
 * during start-up (before the lock is taken, while it is, while the state is
 * loaded) or after a few reports of that life (while the state file is being
 * rewritten). What is checked after every kill: the restart came up (the
 * dead process's lock was taken over, never a refusal with exit code 3), the
 * state file is valid, and the instance ID never changed. Kills wait for
 * events (the daemon's log line, the server's reports), never for a time
 * the machine must meet; a hang is caught by a generous limit.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { seededRandom } from '../../src/lib/random.ts';
import { STATE_FILE_NAME } from '../../src/sidecar/state/state.ts';
import { startBinary, type Running } from '../helpers/binary.ts';
import type { Stub } from '../helpers/collector-stub.ts';
import { sleep, waitUntil } from './daemon-helpers.ts';
import { checkStateAfterKill } from './state-crash.ts';

const WATCHING = /watching the config/;
/** A daemon that does not come up, or does not report, within this long has hung. */
const HANG_MS = 60_000;

export interface DaemonCrashFigures {
  duringStartUp: number;
  afterReports: number;
  stateChecks: number;
  reportsReceived: number;
  instanceId: string | undefined;
}

const idsOf = (server: Stub) => new Set(server.received.map((r) => (JSON.parse(r.body) as { id: string }).id));

/** Kills the daemon at a moment the seed picks; returns true if the kill came after reports of this life. */
async function killSomewhere(daemon: Running, server: Stub, random: () => number, where: string): Promise<boolean> {
  if (random() < 0.15) {
    await sleep(Math.floor(random() * 400));
    assert.equal(daemon.child.exitCode, null, `${where}: the daemon exited by itself during start-up: ${daemon.stderr().slice(0, 1000)}`);
    daemon.child.kill('SIGKILL');
    return false;
  }
  // The restart must take over the dead process's lock at once: a lock taken
  // as live would end the run with exit code 3 before this line.
  const up = await Promise.race([daemon.exited.then((code) => `exited ${code}`), daemon.waitForLog((l) => WATCHING.test(String(l['msg'])), HANG_MS).then(() => 'up')]);
  assert.equal(up, 'up', `${where}: the restart did not come up: ${daemon.stderr().slice(0, 1000)}`);
  const wanted = server.received.length + 1 + Math.floor(random() * 3);
  await waitUntil(() => server.received.length >= wanted || daemon.child.exitCode !== null, `${where}: reports from this life`, HANG_MS, 2);
  // Usually in the middle of the next save or send, sometimes between them.
  await sleep(Math.floor(random() * 10));
  daemon.child.kill('SIGKILL');
  return true;
}

export async function daemonCrashTest(args: string[], stateDir: string, server: Stub, kills: number, seed: number): Promise<DaemonCrashFigures> {
  const random = seededRandom(seed);
  const figures: DaemonCrashFigures = { duringStartUp: 0, afterReports: 0, stateChecks: 0, reportsReceived: 0, instanceId: undefined };
  for (let i = 0; i < kills; i++) {
    const where = `kill ${i} (seed ${seed}; replay with FAULT_SEED=${seed})`;
    const daemon = startBinary(args);
    if (await killSomewhere(daemon, server, random, where)) figures.afterReports++;
    else figures.duringStartUp++;
    await daemon.exited;
    assert.doesNotMatch(daemon.stderr(), /another connect-telemetry|unexpected error|"level":50/, `${where}: ${daemon.stderr().slice(0, 1000)}`);
    const line = daemon.logs.find((l) => WATCHING.test(String(l['msg'])));
    if (line) {
      figures.instanceId ??= String(line['instanceId']);
      assert.equal(line['instanceId'], figures.instanceId, `${where}: started with another instance ID`);
    }
    const stored = checkStateAfterKill(stateDir, figures.instanceId, where);
    if (stored !== undefined) {
      figures.instanceId ??= stored;
      figures.stateChecks++;
    }
    assert.ok(idsOf(server).size <= 1, `${where}: reports carried ${idsOf(server).size} instance IDs`);
  }
  figures.reportsReceived = server.received.length;
  return figures;
}

/** One last clean run: it reports with the same identity, stops with exit code 0 and leaves only the state file. */
export async function cleanRunAfterKills(args: string[], stateDir: string, server: Stub, figures: DaemonCrashFigures, seed: number): Promise<void> {
  const last = startBinary(args);
  await server.waitFor(server.received.length + 2, HANG_MS);
  assert.equal((await last.stop()).code, 0, `a clean stop after the kills (seed ${seed})`);
  const ids = [...idsOf(server)];
  assert.deepEqual(ids, [figures.instanceId ?? ids[0]], `every report carried the one instance ID (seed ${seed})`);
  const leftover = existsSync(stateDir) ? readdirSync(stateDir).filter((name) => name !== STATE_FILE_NAME) : [];
  assert.deepEqual(leftover, [], `no lock or temporary file is left after a clean stop (seed ${seed})`);
}

