/**
 * The command line's start file on a Node.js it does not run on: one line
 * that says which Node it needs, exit code 2, and nothing of the bundle
 * loaded. Uses the machine's own older Node (/usr/bin/node or
 * /usr/local/bin/node) when there is one, and skips with a message otherwise.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isSupportedNode } from '../../bin/node-version.js';

const root = resolve(import.meta.dirname, '..', '..');
const BIN = join(root, 'bin', 'connect-telemetry.js');

/** The first Node on this machine that connect-telemetry does not support, with its version. */
function olderNode(): { path: string; version: string } | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(path)) continue;
    const run = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = run.stdout.trim();
    if (run.status === 0 && version !== '' && !isSupportedNode(version)) return { path, version };
  }
  return undefined;
}

const older = olderNode();

describe('bin/connect-telemetry.js', () => {
  it('on an older Node.js, prints one line saying which Node it needs and exits with code 2', { skip: older ? false : 'no unsupported Node.js at /usr/bin/node or /usr/local/bin/node' }, () => {
    const { path, version } = older as { path: string; version: string };
    for (const args of [['--version'], ['run', '--config', '/nonexistent.yaml'], ['collect']]) {
      const run = spawnSync(path, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `connect-telemetry needs Node.js 22.22.2 or later; this is ${version}\n`);
    }
  });

  it('on this Node.js, runs the command line', () => {
    const run = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
