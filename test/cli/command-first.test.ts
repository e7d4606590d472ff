/**
 * Moving a command name typed after global flags to the front, so commander
 * dispatches to it rather than to the default command.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { placeCommandFirst } from '../../src/cli/command-first.ts';

function program(): Command {
  const root = new Command('tool');
  root.command('run', { isDefault: true }).option('-r, --resources <path>').option('--dry-run').option('--ui [address]');
  root.command('streams').option('-e, --env-file <path>');
  return root;
}

describe('placeCommandFirst', () => {
  it('moves a command that follows flags and their values to the front', () => {
    assert.deepEqual(placeCommandFirst(['-r', 'res.yaml', 'streams', 'dir'], program()), ['streams', '-r', 'res.yaml', 'dir']);
    assert.deepEqual(placeCommandFirst(['--dry-run', '-e', '.env', 'run', 'c.yaml'], program()), ['run', '--dry-run', '-e', '.env', 'c.yaml']);
  });

  it('reads a value joined to its flag as part of it', () => {
    assert.deepEqual(placeCommandFirst(['--resources=res.yaml', 'streams', 'dir'], program()), ['streams', '--resources=res.yaml', 'dir']);
    assert.deepEqual(placeCommandFirst(['-rres.yaml', 'streams', 'dir'], program()), ['streams', '-rres.yaml', 'dir']);
  });

  it("never takes a flag's value for a command", () => {
    assert.deepEqual(placeCommandFirst(['-r', 'streams', 'c.yaml'], program()), ['-r', 'streams', 'c.yaml']);
  });

  it('lets a flag whose value may be left out stand before a command', () => {
    assert.deepEqual(placeCommandFirst(['--ui', 'streams', 'dir'], program()), ['streams', '--ui', 'dir']);
    assert.deepEqual(placeCommandFirst(['--ui', 'local:80', 'streams', 'dir'], program()), ['streams', '--ui', 'local:80', 'dir']);
  });

  it('leaves the words alone when a command or a path comes first, or after --', () => {
    for (const argv of [['streams', '-r', 'x'], ['c.yaml', 'streams'], ['--dry-run', 'c.yaml', 'streams'], ['--', 'streams'], []]) {
      assert.deepEqual(placeCommandFirst(argv, program()), argv);
    }
  });
});
