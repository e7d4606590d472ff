/**
 * The built binary end to end: `collect` on a free port over real HTTP, then
 * `report` on the same database.
 */
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { BIN, startCollect } from './collect-process.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openSqliteStorage } from '../../src/collector/storage/sqlite-storage.ts';


function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ct-e2e-collector-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));

const body = (id: string, components: string[], uptime = 600) =>
  JSON.stringify({
    id,
    uptime,
    components: components.map((c) => ({ type: c.split('/')[0], name: c.split('/')[1] })),
    hostInfo: { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' },
  });

describe('connect-telemetry collect and report (built binary)', () => {
  it('stores reports sent over HTTP, stops cleanly on SIGTERM, and reports them', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'collector.db');
    const { child, port, stderr } = await startCollect(t, ['--db', db]);
    const url = `http://127.0.0.1:${port}/connect/telemetry`;
    const send = (b: string, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body: b });

    // Three instances: output aws_s3 on two, processor mutation on one of them.
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
    assert.equal((await send(body(ids[0]!, ['input/kafka', 'processor/mutation', 'output/aws_s3']))).status, 204);
    assert.equal((await send(body(ids[1]!, ['input/kafka', 'output/aws_s3']))).status, 204);
    assert.equal((await send(body(ids[2]!, ['input/generate', 'output/stdout']))).status, 204);
    assert.equal((await send('{"id":"x"}')).status, 400);
    assert.equal((await send('<xml/>', 'application/xml')).status, 415);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json(), { status: 'ready', storage: 'sqlite' });

    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.match(stderr(), /"msg":"stopped"/);
    assert.ok(!stderr().includes('ExperimentalWarning'), 'the SQLite warning is not shown');

    const report = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--format', 'json', '--plugin', 'output/aws_s3', '--then', 'processor/mutation'], { encoding: 'utf8' });
    assert.equal(report.status, 0, report.stderr);
    const json = JSON.parse(report.stdout);
    assert.equal(json.instances, 3);
    assert.deepEqual(json.plugins.slice(0, 2), [
      { type: 'input', name: 'kafka', instances: 2, share: 2 / 3, occurrences: 2, default: false },
      { type: 'output', name: 'aws_s3', instances: 2, share: 2 / 3, occurrences: 2, default: false },
    ]);
    // aws_s3 on 2 instances, mutation on 1, both on 1: support 1/3, confidence 1/2, lift (1·3)/(2·1).
    assert.deepEqual(json.pairs, [{ if: { type: 'output', name: 'aws_s3' }, then: { type: 'processor', name: 'mutation' }, instances: 1, support: 1 / 3, confidence: 1 / 2, lift: 3 / 2 }]);

    // A misspelled plugin: refused, with the nearest name stored.
    const misspelled = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--plugin', 'output/aws_s4'], { encoding: 'utf8' });
    assert.equal(misspelled.status, 2);
    assert.match(misspelled.stderr, /no stored report names output\/aws_s4; did you mean output\/aws_s3\?/);

    const html = join(dir, 'report.html');
    const written = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--format', 'html', '--out', html], { encoding: 'utf8' });
    assert.equal(written.status, 0, written.stderr);
    assert.match(readFileSync(html, 'utf8'), /<title>Connect plugin usage: 3 instance\(s\)<\/title>/);
  });

  it('prunes reports older than --older-than, keeping the latest report of an instance seen since', async (t) => {
    const db = join(tempDir(t), 'collector.db');
    const storage = await openSqliteStorage(db);
    const now = Date.now();
    const day = 86_400_000;
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const one = (id: string, uptime: number) => ({ id, uptime, components: [{ type: 'input' as const, name: 'kafka' }], host: { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' } });
    await storage.store(one(ids[0]!, 1), now - 100 * day);
    await storage.store(one(ids[0]!, 2), now - day);
    await storage.store(one(ids[1]!, 1), now - 95 * day);
    await storage.close();
    const pruned = spawnSync(process.execPath, [BIN, 'prune', '--db', db, '--older-than', '90d'], { encoding: 'utf8' });
    assert.equal(pruned.status, 0, pruned.stderr);
    // The activity rows' count depends on the weekday (test/collector/storage covers it exactly).
    assert.match(pruned.stdout, /^pruned 2 report\(s\), 1 instance\(s\) not seen since \S+, \d+ day\/week activity row\(s\), and 0 replay digest\(s\)\n$/);
    const report = spawnSync(process.execPath, [BIN, 'report', '--db', db, '--format', 'json', '--window', '365d'], { encoding: 'utf8' });
    assert.equal(JSON.parse(report.stdout).instances, 1);
    const missing = spawnSync(process.execPath, [BIN, 'prune', '--db', db], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /required option '--older-than <duration>' not specified/);
  });

  it('serves the dashboard only when asked, on its own address with --ui-listen', async (t) => {
    const dir = tempDir(t);
    const plain = await startCollect(t, ['--db', join(dir, 'a.db')]);
    assert.equal((await fetch(`http://127.0.0.1:${plain.port}/ui/`)).status, 404);
    plain.child.kill('SIGTERM');
    await exited(plain.child);

    const { child, port, stderr } = await startCollect(t, ['--db', join(dir, 'b.db'), '--ui-listen', '127.0.0.1:0']);
    let match: RegExpExecArray | null = null;
    for (let i = 0; i < 100 && !match; i++) {
      match = /dashboard on http:\/\/127\.0\.0\.1:(\d+)\/ui\//.exec(stderr());
      if (!match) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(match, stderr());
    const page = await fetch(`http://127.0.0.1:${match[1]}/ui/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none'; script-src 'self'/);
    assert.equal((await fetch(`http://127.0.0.1:${match[1]}/api/report?window=7d`)).status, 200);
    // The report address does not serve it.
    assert.equal((await fetch(`http://127.0.0.1:${port}/ui/`)).status, 404);
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
  });

  it('exits with 2 and says why for a bad flag', () => {
    const bad = spawnSync(process.execPath, [BIN, 'report', '--db', '/nonexistent/x.db', '--window', 'soon'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--window: "soon" is not a duration/);
    const listen = spawnSync(process.execPath, [BIN, 'collect', '--listen', 'nowhere'], { encoding: 'utf8' });
    assert.equal(listen.status, 2);
    assert.match(listen.stderr, /--listen: "nowhere" is not host:port/);
    const missing = spawnSync(process.execPath, [BIN, 'report', '--db', '/nonexistent/x.db'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such database: \/nonexistent\/x\.db/);
    const type = spawnSync(process.execPath, [BIN, 'report', '--type', 'outputs'], { encoding: 'utf8' });
    assert.equal(type.status, 2);
    assert.match(type.stderr, /--type: "outputs" is not a category; use one of input, /);
    const plugin = spawnSync(process.execPath, [BIN, 'report', '--plugin', 'aws_s3'], { encoding: 'utf8' });
    assert.equal(plugin.status, 2);
    assert.match(plugin.stderr, /--plugin: "aws_s3" is not a plugin; write it as category\/name/);
  });
});
