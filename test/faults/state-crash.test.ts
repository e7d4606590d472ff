/** A short crash run for every `npm test`; `npm run test:faults` runs 200 kills. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { crashSeed, crashTest } from './state-crash.ts';
import { tempDir } from './helpers.ts';

const KILLS = Number(process.env['FAULT_CRASH_KILLS'] ?? 20);

it(`state survives ${KILLS} SIGKILLs of a writer in a save loop`, async (t) => {
  const dir = tempDir(t);
  const seed = crashSeed();
  t.diagnostic(`seed ${seed} (replay with FAULT_SEED=${seed})`);
  const figures = await crashTest(dir, KILLS, seed);
  t.diagnostic(
    `kills ${figures.kills}, after open ${figures.killedAfterOpen}, state checks ${figures.stateChecks}, ` +
      `warnings ${figures.warnings.length}, leftover files ${figures.leftoverFiles.length}`,
  );
  assert.equal(figures.kills, KILLS);
  assert.ok(figures.stateChecks > 0, `at least one kill came after the state was written (seed ${seed})`);
  assert.deepEqual(figures.leftoverFiles, [], `killed writes leave no temporary or lock file behind for good (seed ${seed})`);
});
