import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { ConfigMonitor } from '../../src/config/config-monitor.ts';
import { MAX_CONFIG_BYTES } from '../../src/config/read-config-file.ts';
import { classifyConfigError, type ConfigProblem } from '../../src/sidecar/config-problem.ts';

/** The message the config layer gives for `configs`, read as the daemon reads them. */
async function failureOf(configs: string[], cwd: string): Promise<string> {
  const outcome = await new ConfigMonitor({ configs, resources: [] }, cwd, bundledCatalogue(), {}).reload();
  assert.equal(outcome.kind, 'failed');
  return outcome.kind === 'failed' ? outcome.error : '';
}

describe('classifyConfigError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-problem-'));
  const file = (name: string, text: string | Buffer) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cases: [string, () => string, ConfigProblem][] = [
    ['a missing file', () => join(dir, 'nope.yaml'), 'missing'],
    ['an empty streams directory', () => (mkdirSync(join(dir, 'empty-streams')), join(dir, 'empty-streams')), 'missing'],
    ['a symbolic link loop', () => (symlinkSync(join(dir, 'loop-b.yaml'), join(dir, 'loop-a.yaml')), symlinkSync(join(dir, 'loop-a.yaml'), join(dir, 'loop-b.yaml')), join(dir, 'loop-a.yaml')), 'unreadable'],
    ['a FIFO', () => (execFileSync('mkfifo', [join(dir, 'fifo.yaml')]), join(dir, 'fifo.yaml')), 'not-a-file'],
    ['a file over the size limit', () => file('big.yaml', `a: "${'x'.repeat(MAX_CONFIG_BYTES)}"\n`), 'too-large'],
    ['binary garbage', () => file('binary.yaml', Buffer.from([0xff, 0xfe, 0x00, 0x81])), 'not-text'],
    ['bad YAML', () => file('bad.yaml', 'input: [\n'), 'invalid-yaml'],
    ['a list at the root', () => file('list.yaml', '- a\n- b\n'), 'not-a-config'],
  ];
  for (const [name, make, expected] of cases) {
    it(`${name} → ${expected}`, async () => {
      const message = await failureOf([make()], dir);
      assert.equal(classifyConfigError(message), expected, message);
    });
  }

  it('calls a message it does not know "other"', () => assert.equal(classifyConfigError('something nobody expected'), 'other'));
});
