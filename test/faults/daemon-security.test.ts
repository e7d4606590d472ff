/**
 * Security defaults of the running daemon: plain http off this machine needs
 * --allow-insecure-endpoint; the signing key's content never reaches a log at
 * any level, and a key file others may read draws a warning; the state file
 * is 0600 in a 0700 directory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_FILE_NAME } from '../../src/sidecar/state/state.ts';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { GOOD_A, runArgs } from './daemon-helpers.ts';
import { tempDir } from './helpers.ts';

const stubs: Stub[] = [];
after(async () => {
  killAllBinaries();
  await Promise.all(stubs.map((s) => s.close()));
});

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
/** Every base64 line of the key: none may appear anywhere in the output. */
const KEY_LINES = PEM.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));

function setup(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yaml'), GOOD_A);
  return dir;
}

describe('security defaults of the running daemon', () => {
  for (const endpoint of ['http://collector.invalid/connect/telemetry', 'http://10.0.0.1/x', 'http://[::ffff:127.0.0.1]/x', 'http://localhost.evil.invalid/x']) {
    it(`refuses ${endpoint} without --allow-insecure-endpoint`, async (t) => {
      const dir = setup(t);
      const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), endpoint, ['--delay', '1h']));
      assert.equal(await daemon.exited, 2);
      assert.match(daemon.stderr(), /plain http on the network.*--allow-insecure-endpoint/);
    });
  }

  it('accepts a non-loopback http endpoint with --allow-insecure-endpoint (and sends nothing before the delay)', async (t) => {
    const dir = setup(t);
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), 'http://collector.invalid/x', ['--delay', '1h', '--allow-insecure-endpoint']));
    const line = await daemon.waitForLog((l) => /watching the config/.test(String(l['msg'])));
    assert.equal(line['endpoint'], 'http://collector.invalid/x');
    assert.equal((await daemon.stop()).code, 0);
  });

  for (const level of ['trace', 'debug', 'info']) {
    it(`the signing key never appears in the logs at --log-level ${level}`, async (t) => {
      const dir = setup(t);
      const key = join(dir, 'key.pem');
      writeFileSync(key, PEM, { mode: 0o600 });
      const server = await startStub();
      stubs.push(server);
      const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), server.url, ['--signing-key', key, '--log-level', level]));
      await server.waitFor(2, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}; exit ${daemon.child.exitCode}; stderr: ${daemon.stderr().slice(-3000)}`);
      });
      assert.equal((await daemon.stop()).code, 0);
      const output = daemon.stderr() + daemon.stdout();
      if (level !== 'info') assert.ok(daemon.logs.some((l) => l['level'] === 20), 'debug lines were written');
      assert.ok(!output.includes('PRIVATE KEY'));
      for (const line of KEY_LINES) assert.ok(!output.includes(line), 'a line of the key is in the output');
      assert.ok(!daemon.logs.some((l) => /readable by other users/.test(String(l['msg']))), 'no warning for a 0600 key');
    });
  }

  it('a key file that is not a key: the error quotes none of its content', async (t) => {
    const dir = setup(t);
    const key = join(dir, 'key.pem');
    const secret = 'cnrySigningSecret0123456789';
    writeFileSync(key, `-----BEGIN RSA PRIVATE KEY-----\n${secret}\n-----END RSA PRIVATE KEY-----\n`, { mode: 0o600 });
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), 'http://127.0.0.1:9/x', ['--signing-key', key, '--log-level', 'trace']));
    assert.equal(await daemon.exited, 2);
    assert.match(daemon.stderr(), /--signing-key: the file is not a PEM RSA private key/);
    assert.ok(!daemon.stderr().includes(secret));
  });

  for (const mode of [0o640, 0o604, 0o644]) {
    it(`warns when the key file is mode ${mode.toString(8)}`, async (t) => {
      const dir = setup(t);
      const key = join(dir, 'key.pem');
      writeFileSync(key, PEM);
      chmodSync(key, mode);
      const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), 'http://127.0.0.1:9/x', ['--signing-key', key, '--delay', '1h']));
      const warning = await daemon.waitForLog((l) => /readable by other users/.test(String(l['msg'])));
      assert.equal(warning['level'], 40);
      assert.ok(!JSON.stringify(warning).includes(KEY_LINES[1]!));
      assert.equal((await daemon.stop()).code, 0);
    });
  }

  it('the state file is 0600 in a 0700 directory, also when the directory existed as 0755', async (t) => {
    const dir = setup(t);
    const server = await startStub();
    stubs.push(server);
    for (const stateDir of [join(dir, 'fresh', 'state'), join(dir, 'existing')]) {
      if (stateDir.endsWith('existing')) {
        mkdirSync(stateDir, { mode: 0o755 });
        chmodSync(stateDir, 0o755);
      }
      const daemon = startBinary(runArgs(join(dir, 'config.yaml'), stateDir, server.url));
      const count = server.received.length;
      await server.waitFor(count + 1);
      assert.equal((await daemon.stop()).code, 0);
      assert.equal(statSync(stateDir).mode & 0o777, 0o700, `${stateDir} is 0700`);
      assert.equal(statSync(join(stateDir, STATE_FILE_NAME)).mode & 0o777, 0o600, 'state.json is 0600');
    }
  });
});
