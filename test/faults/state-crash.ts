/**
 * The crash test: a writer saving state in a tight loop is killed with
 * SIGKILL at random moments; after each kill the state file must be valid
 * JSON state and the instance ID must never change. Shared by the quick run
 * in `npm test` and the full run in `npm run test:faults`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/lib/clock.ts';
import { parseState, STATE_FILE_NAME } from '../../src/sidecar/state/state.ts';
import { StateStore } from '../../src/sidecar/state/state-store.ts';

const WRITER = join(import.meta.dirname, 'fixtures', 'state-writer.ts');

export interface CrashFigures {
  kills: number;
  killedAfterOpen: number;
  stateChecks: number;
  leftoverFiles: string[];
  warnings: string[];
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

export async function crashTest(dir: string, kills: number, seed: number): Promise<CrashFigures> {
  const next = random(seed);
  let instanceId: string | undefined;
  const figures: CrashFigures = { kills: 0, killedAfterOpen: 0, stateChecks: 0, leftoverFiles: [], warnings: [] };
  for (let i = 0; i < kills; i++) {
    const child = spawn(process.execPath, [WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Some kills land during start-up and the first save, most in the save loop.
    const opened = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    if (next() < 0.8) await opened;
    await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 40)));
    child.kill('SIGKILL');
    await closed;
    figures.kills++;
    if (stdout.startsWith('open ')) figures.killedAfterOpen++;
    assert.doesNotMatch(stderr, /Error|at .*\.ts:\d+/, `kill ${i}: the writer failed: ${stderr}`);
    for (const line of stderr.split('\n').filter(Boolean)) figures.warnings.push(line);
    const reported = /^open (\S+)/.exec(stdout)?.[1];
    if (reported !== undefined) {
      instanceId ??= reported;
      assert.equal(reported, instanceId, `kill ${i}: the writer opened with a different instance ID`);
    }
    const path = join(dir, STATE_FILE_NAME);
    if (existsSync(path)) {
      const parsed = parseState(readFileSync(path, 'utf8'));
      assert.ok(parsed.ok, `kill ${i}: ${STATE_FILE_NAME} is not valid state: ${parsed.ok ? '' : parsed.reason}`);
      instanceId ??= parsed.state.instanceId;
      assert.equal(parsed.state.instanceId, instanceId, `kill ${i}: the instance ID changed`);
      figures.stateChecks++;
    } else {
      assert.equal(instanceId, undefined, `kill ${i}: ${STATE_FILE_NAME} vanished after it had been written`);
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.corrupt-')), [], `kill ${i}: a state file was set aside as corrupt`);
  }
  // One clean start after the last kill, as a restarted daemon would make.
  const store = await StateStore.open(dir, { clock: systemClock, randomId: randomUUID, warn: (message) => figures.warnings.push(message) });
  assert.equal(store.state.instanceId, instanceId, 'a clean start keeps the instance ID');
  await store.close();
  figures.leftoverFiles = readdirSync(dir).filter((name) => name !== STATE_FILE_NAME && name !== 'state.lock');
  return figures;
}
