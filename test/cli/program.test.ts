/**
 * The command line as a function: which words are commands, which are
 * config paths, and the one-line errors for what Connect would refuse too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.ts';

async function cli(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { env, cwd, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), shutdown: new AbortController().signal });
  return { code, stdout, stderr };
}

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'ct-program-'));
  writeFileSync(join(dir, 'config.yaml'), 'input:\n  ${IN:stdin}: {}\noutput:\n  drop: {}\n');
  writeFileSync(join(dir, 'pipeline'), 'input:\n  generate: {}\n');
  mkdirSync(join(dir, 'streams'));
  writeFileSync(join(dir, 'streams/a.yaml'), 'input:\n  generate: {}\n');
  writeFileSync(join(dir, '.env'), 'IN=kafka\n');
  writeFileSync(join(dir, 'resources.yaml'), 'processor_resources:\n  - label: shape\n    mapping: root = this\n');
  return dir;
}

const names = (stdout: string) => (JSON.parse(stdout) as { components: { type: string; name: string }[] }).components.map((c) => `${c.type}/${c.name}`);

describe('run (the command line)', () => {
  it("says a mistyped command is one, and suggests the closest", async () => {
    const dir = workdir();
    for (const [typed, suggestion] of [['inpsect', 'inspect'], ['stream', 'streams'], ['stauts', 'status']] as const) {
      const result = await cli([typed, '-c', 'config.yaml'], dir);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, `connect-telemetry: unknown command '${typed}' (did you mean '${suggestion}'?)\n`);
    }
    const far = await cli(['frobnicate'], dir);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /^connect-telemetry: unknown command 'frobnicate'; the commands are run, streams, inspect, status/);
  });

  it('takes a first word that is a path, or a file that exists, as the config of the default command', async () => {
    const dir = workdir();
    for (const path of ['./config.yaml', 'config.yaml', 'pipeline']) {
      const result = await cli([path, '--dry-run', '--state-dir', join(dir, 'state')], dir);
      assert.equal(result.code, 0, `${path}: ${result.stderr}`);
    }
    const missing = await cli(['./missing.yaml', '--dry-run'], dir);
    assert.match(missing.stderr, /no such config file: .*missing\.yaml/);
  });

  it('takes the config after run, as Connect does, with env files from -e or CONNECT_TELEMETRY_ENV_FILE', async () => {
    const dir = workdir();
    const state = join(dir, 'state');
    const plain = await cli(['run', './config.yaml', '--dry-run', '--state-dir', state], dir);
    assert.deepEqual(names(plain.stdout).slice(0, 1), ['input/stdin']);
    const withFile = await cli(['run', './config.yaml', '-e', '.env', '--dry-run', '--state-dir', state], dir);
    assert.deepEqual(names(withFile.stdout).slice(0, 1), ['input/kafka']);
    const withVariable = await cli(['run', './config.yaml', '--dry-run', '--state-dir', state], dir, { CONNECT_TELEMETRY_ENV_FILE: '.env' });
    assert.deepEqual(names(withVariable.stdout).slice(0, 1), ['input/kafka']);
    // The env file wins over the process environment, as in Connect.
    const overridden = await cli(['run', './config.yaml', '-e', '.env', '--dry-run', '--state-dir', state], dir, { IN: 'generate' });
    assert.deepEqual(names(overridden.stdout).slice(0, 1), ['input/kafka']);
  });

  it("refuses two configs after run, or one beside --config, as Connect's run does", async () => {
    const dir = workdir();
    const two = await cli(['run', 'config.yaml', 'pipeline', '--dry-run'], dir);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /run takes one config, as Connect's run does \(got 2\); for stream configs use: connect-telemetry streams/);
    const both = await cli(['run', 'config.yaml', '-c', 'pipeline', '--dry-run'], dir);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either after run or with --config, not both/);
  });

  it('runs streams mode from stream paths, and wants at least one', async () => {
    const dir = workdir();
    const result = await cli(['streams', 'streams', '--dry-run', '--state-dir', join(dir, 'state')], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(names(result.stdout), ['input/generate', 'buffer/none', 'output/stdout', 'metrics/prometheus', 'tracer/none']);
    const none = await cli(['streams', '--dry-run'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /streams: give the stream config files or directories/);
  });

  it("takes Connect's global flags before the command as well as after it", async () => {
    const dir = workdir();
    const state = join(dir, 'state');
    const streams = await cli(['-r', 'resources.yaml', 'streams', 'streams', '--dry-run', '--state-dir', state], dir);
    assert.equal(streams.code, 0, streams.stderr);
    assert.deepEqual(names(streams.stdout), ['input/generate', 'buffer/none', 'output/stdout', 'processor/mapping', 'metrics/prometheus', 'tracer/none']);
    const single = await cli(['-e', '.env', '--state-dir', state, 'run', 'config.yaml', '--dry-run'], dir);
    assert.equal(single.code, 0, single.stderr);
    assert.deepEqual(names(single.stdout).slice(0, 1), ['input/kafka']);
    const joined = await cli(['--env-file=.env', 'run', 'config.yaml', '--dry-run', '--state-dir', state], dir);
    assert.deepEqual(names(joined.stdout).slice(0, 1), ['input/kafka']);
    // A flag's value is never taken for the command: here `status` is the resource file's name.
    writeFileSync(join(dir, 'status'), 'processor_resources: []\n');
    const value = await cli(['-r', 'status', 'config.yaml', '--dry-run', '--state-dir', state], dir);
    assert.equal(value.code, 0, value.stderr);
    assert.deepEqual(names(value.stdout).slice(0, 1), ['input/stdin']);
  });

  it('inspects as run does, or as streams does with --streams', async () => {
    const dir = workdir();
    const single = await cli(['inspect', 'config.yaml', '-e', '.env', '--json'], dir);
    assert.equal(single.code, 0, single.stderr);
    assert.equal((JSON.parse(single.stdout) as { mode: string }).mode, 'single');
    const streams = await cli(['inspect', '--streams', 'streams', '--json'], dir);
    assert.equal((JSON.parse(streams.stdout) as { mode: string }).mode, 'streams');
    const observabilityAlone = await cli(['inspect', 'config.yaml', '-o', 'config.yaml'], dir);
    assert.equal(observabilityAlone.code, 2);
    assert.match(observabilityAlone.stderr, /--observability is for streams mode: add --streams/);
  });
});
