import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FOOTPRINT_FLAGS, LARGE_PARSE_BYTES } from '../../src/sidecar/small-footprint.ts';

const MODULE = fileURLToPath(new URL('../../src/sidecar/small-footprint.ts', import.meta.url));

/**
 * Runs a hot function in a fresh Node under --trace-opt, then another after
 * the given calls, and reports whether V8 compiled each with TurboFan.
 */
function turbofanPhases(setup: string, between: string): { before: boolean; after: boolean } {
  const script = `
    import * as footprint from ${JSON.stringify(MODULE)};
    const hotBefore = (phase) => { let sum = 0; for (let i = 0; i < 2e6; i++) sum += (i * phase) % 7; return sum; };
    const hotAfter = (phase) => { let sum = 0; for (let i = 0; i < 2e6; i++) sum += (i * phase) % 5; return sum; };
    ${setup}
    for (let i = 0; i < 30; i++) hotBefore(1);
    console.log('--- between');
    ${between}
    for (let i = 0; i < 30; i++) hotAfter(2);
  `;
  const result = spawnSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const [before = '', after = ''] = result.stdout.split('--- between');
  const turbofanned = (text: string, name: string) => new RegExp(`completed (compiling|optimizing) .*<JSFunction ${name} .*TURBOFAN`).test(text);
  return { before: turbofanned(before, 'hotBefore'), after: turbofanned(after, 'hotAfter') };
}

describe('small footprint', () => {
  it('keeps TurboFan off for the daemon until a reload has a large parse to do', () => {
    const phases = turbofanPhases('footprint.preferSmallFootprint();', `footprint.beforeParsing(${LARGE_PARSE_BYTES});`);
    assert.deepEqual(phases, { before: false, after: true });
  });

  it('leaves TurboFan off after small parses', () => {
    const phases = turbofanPhases('footprint.preferSmallFootprint();', `footprint.beforeParsing(${LARGE_PARSE_BYTES - 1}); footprint.beforeParsing(0);`);
    assert.deepEqual(phases, { before: false, after: false });
  });

  it('changes nothing in a process that did not ask for it (the collector)', () => {
    const phases = turbofanPhases('', `footprint.beforeParsing(0);`);
    assert.deepEqual(phases, { before: true, after: true });
  });

  it('sets only flags this V8 knows, and a large reload restores TurboFan to its default', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    const nameOf = (flag: string) => flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
    for (const flag of FOOTPRINT_FLAGS.small) assert.match(options, new RegExp(`^\\s+--${nameOf(flag)} \\(`, 'm'), `V8 knows --${nameOf(flag)}`);
    assert.deepEqual(FOOTPRINT_FLAGS.large.map(nameOf), ['turbofan'], 'a large reload turns TurboFan back on; the heap settings stay');
    for (const flag of FOOTPRINT_FLAGS.large) {
      const name = nameOf(flag);
      assert.match(options, new RegExp(`^\\s+--${name} \\(`, 'm'), `V8 knows --${name}`);
      // V8 prints the default of a size flag as --name=N and of a boolean as --name or --no-name.
      const printed = new RegExp(`--${name} \\([^\\n]*\\)\\n\\s+type: \\w+\\s+default: (\\S+)`).exec(options)?.[1];
      assert.equal(printed, flag, `--${name} goes back to V8's default`);
    }
  });
});
