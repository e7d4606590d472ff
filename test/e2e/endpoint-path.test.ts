/**
 * A sidecar pointed at a collector's base URL instead of its report URL, end
 * to end with the built binary: the collector names its report URL when it
 * starts, the sidecar warns at start and, when its report is refused, logs the
 * collector's reason and the endpoint to set; set as told, the report is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startCollect } from './collect-process.ts';

const CONFIG = 'input:\n  generate:\n    mapping: root = "hello"\noutput:\n  drop: {}\n';

after(killAllBinaries);

/** Resolves once `text()` holds `pattern`, or rejects after `timeoutMs`. */
async function waitForText(text: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms in:\n${text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a sidecar pointed at the collector base URL (built binaries, real HTTP)', () => {
  it("is told what to change, and reports once it is changed", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-e2e-endpoint-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const collector = await startCollect(t, ['--db', join(dir, 'collector.db'), '--log-level', 'debug']);
    const base = `http://127.0.0.1:${collector.port}`;
    const reportUrl = `${base}/connect/telemetry`;

    const started = JSON.parse(collector.stderr().split('\n').find((line) => line.includes('"port"')) ?? '{}') as Record<string, unknown>;
    assert.equal(started['reportUrl'], reportUrl, 'the collector logs its report URL');
    assert.ok(String(started['msg']).includes(reportUrl), `the start-up message names it: ${String(started['msg'])}`);

    // Each daemon with a state of its own: the first one's failed report counts as its report for the period.
    const args = (endpoint: string, state: string) => ['run', '--config', join(dir, 'config.yaml'), '--state-dir', join(dir, state), '--endpoint', endpoint, '--delay', '300ms', '--period', '1h'];
    const wrong = startBinary(args(`${base}/`, 'state-1'));
    const warning = await wrong.waitForLog((line) => line['level'] === 40 && String(line['msg']).includes('has no path'));
    assert.ok(String(warning['msg']).endsWith(`set --endpoint to ${reportUrl}`), String(warning['msg']));

    const failed = await wrong.waitForLog((line) => line['msg'] === 'report failed; dropped until the next period');
    const error = String(failed['error']);
    assert.equal(failed['status'], 404);
    assert.ok(error.startsWith(`HTTP 404 from ${base}/ `), `names the URL posted to: ${error}`);
    assert.match(error, /reports go to POST \/connect\/telemetry/, "carries the collector's reason");
    assert.ok(error.endsWith(`set --endpoint to ${reportUrl}`), `says what to set: ${error}`);
    assert.equal((await wrong.stop()).code, 0);
    assert.doesNotMatch(collector.stderr(), /"report stored"/);

    const right = startBinary(args(error.slice(error.lastIndexOf(' ') + 1), 'state-2'));
    await right.waitForLog((line) => line['msg'] === 'report sent');
    await waitForText(collector.stderr, /"report stored"/);
    assert.equal((await right.stop()).code, 0);
    assert.ok(!right.logs.some((line) => String(line['msg']).includes('has no path')), 'no warning for the report URL');
  });
});
