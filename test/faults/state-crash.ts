/**
 * The crash test: a writer saving state in a tight loop is killed with
 * SIGKILL at random moments; after each kill the state file must be valid
 * JSON state and the instance ID must never change. Shared by the quick run
 * in `npm test` and the full run in `npm run test:faults`.
 *
 * Every run has a seed (FAULT_SEED, or a fixed default) that decides where
 * each kill lands, and every failure message names it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/lib/clock.ts';
import { seededRandom } from '../../src/lib/random.ts';
import { parseState, STATE_FILE_NAME } from '../../src/sidecar/state/state.ts';
import { StateStore } from '../../src/sidecar/state/state-store.ts';

const WRITER = join(import.meta.dirname, 'fixtures', 'state-writer.ts');
/** The seed when FAULT_SEED is not set: fixed, so a failure in CI replays as it is. */
export const DEFAULT_SEED = 887082;

/** The run's seed: FAULT_SEED, or the fixed default. */
export function crashSeed(): number {
  const given = process.env['FAULT_SEED'];
  if (given === undefined || given === '') return DEFAULT_SEED;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FAULT_SEED must be a whole number, not ${given}`);
  return seed;
}

export interface CrashFigures {
  kills: number;
  killedAfterOpen: number;
  stateChecks: number;
  leftoverFiles: string[];
  warnings: string[];
}

/** After a kill: the state file, if there is one, is valid and holds the one identity seen so far. */
export function checkStateAfterKill(dir: string, known: string | undefined, where: string): string | undefined {
  const path = join(dir, STATE_FILE_NAME);
  if (!existsSync(path)) {
    assert.equal(known, undefined, `${where}: ${STATE_FILE_NAME} vanished after it had been written`);
    return undefined;
  }
  const parsed = parseState(readFileSync(path, 'utf8'));
  assert.ok(parsed.ok, `${where}: ${STATE_FILE_NAME} is not valid state: ${parsed.ok ? '' : parsed.reason}`);
  assert.equal(parsed.state.instanceId, known ?? parsed.state.instanceId, `${where}: the instance ID changed`);
  const corrupt = existsSync(dir) ? readdirSync(dir).filter((name) => name.includes('.corrupt-')) : [];
  assert.deepEqual(corrupt, [], `${where}: a state file was set aside as corrupt`);
  return parsed.state.instanceId;
}

export async function crashTest(dir: string, kills: number, seed: number): Promise<CrashFigures> {
  const next = seededRandom(seed);
  let instanceId: string | undefined;
  const figures: CrashFigures = { kills: 0, killedAfterOpen: 0, stateChecks: 0, leftoverFiles: [], warnings: [] };
  for (let i = 0; i < kills; i++) {
    const where = `kill ${i} (seed ${seed}; replay with FAULT_SEED=${seed})`;
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
    assert.doesNotMatch(stderr, /Error|at .*\.ts:\d+/, `${where}: the writer failed: ${stderr}`);
    for (const line of stderr.split('\n').filter(Boolean)) figures.warnings.push(line);
    const reported = /^open (\S+)/.exec(stdout)?.[1];
    if (reported !== undefined) {
      instanceId ??= reported;
      assert.equal(reported, instanceId, `${where}: the writer opened with a different instance ID`);
    }
    const stored = checkStateAfterKill(dir, instanceId, where);
    if (stored !== undefined) {
      instanceId ??= stored;
      figures.stateChecks++;
    }
  }
  // One clean start after the last kill, as a restarted daemon would make.
  const store = await StateStore.open(dir, { clock: systemClock, randomId: randomUUID, warn: (message) => figures.warnings.push(message) });
  assert.equal(store.state.instanceId, instanceId, `a clean start keeps the instance ID (seed ${seed})`);
  await store.close();
  figures.leftoverFiles = readdirSync(dir).filter((name) => name !== STATE_FILE_NAME);
  return figures;
}
