/**
 * What the bundled daemon loads: none of the collector's modules, none of the
 * code only a send needs (HTTP client, JWT), and none of the Node built-ins
 * the stand-ins in scripts/bundle.ts keep out.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBinary } from '../helpers/binary.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('the bundled daemon', () => {
  it('loads only what watching and summarising need', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-bundle-'));
    const listFile = join(dir, 'loaded.json');
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      `import { registerHooks } from 'node:module';
       import { writeFileSync } from 'node:fs';
       const urls = [];
       registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
       process.on('exit', () => writeFileSync(${JSON.stringify(listFile)}, JSON.stringify({ urls, builtins: process.moduleLoadList })));`,
    );
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'input:\n  generate:\n    mapping: root = {}\noutput:\n  drop: {}\n');
    const daemon = startBinary(['run', '-c', config, '--state-dir', join(dir, 'state'), '--endpoint', 'http://127.0.0.1:9/x', '--delay', '1h'], { NODE_OPTIONS: `--import ${hook}` });
    await daemon.waitForLog((line) => line['msg'] === 'watching the config; reports are scheduled');
    assert.equal((await daemon.stop()).code, 0);

    const { urls, builtins } = JSON.parse(readFileSync(listFile, 'utf8')) as { urls: string[]; builtins: string[] };
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle.meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const bundleFiles = urls.filter((url) => url.includes('/dist/bundle/'));
    assert.ok(bundleFiles.length > 0, 'the binary runs the bundle');
    assert.ok(!urls.some((url) => url.includes('/node_modules/')), 'every dependency comes from the bundle');
    const inputs = bundleFiles.flatMap((url) => Object.keys(meta.outputs[url.replace(`file://${ROOT}/`, '')]?.inputs ?? {}));
    assert.ok(inputs.includes('src/sidecar/daemon.ts') && inputs.includes('src/config/walk-components.ts'), 'the map names the loaded modules');
    assert.deepEqual(inputs.filter((input) => input.startsWith('src/collector/')), []);
    assert.deepEqual(inputs.filter((input) => /node_modules\/(node-fetch|jose|thread-stream|https-proxy-agent)\//.test(input)), []);
    // (node:net does load here: stderr is a pipe, as it is in a container.)
    for (const builtin of ['child_process', 'worker_threads', 'assert', 'http', 'https', 'sqlite']) {
      assert.ok(!builtins.includes(`NativeModule ${builtin}`), `node:${builtin} is not loaded`);
    }
  });
});
