/**
 * The built binary against a real HTTP server on 127.0.0.1, with delays and
 * periods of milliseconds.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { killAllBinaries, runBinary, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { serialiseState } from '../../src/sidecar/state/state.ts';
import { SCHEMA_PATH } from '../catalogue/fixtures/connect-schema.ts';

const GENERATE = 'input:\n  generate:\n    mapping: root = "hello"\noutput:\n  drop: {}\n';
const KAFKA = 'input:\n  kafka:\n    addresses: [localhost:9092]\n    topics: [t]\noutput:\n  aws_s3:\n    bucket: b\n';

const names = (body: string) => (JSON.parse(body) as { components: { type: string; name: string }[] }).components.map((c) => `${c.type}/${c.name}`);

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'ct-e2e-'));
  writeFileSync(join(dir, 'config.yaml'), GENERATE);
  return dir;
}

const stubs: Stub[] = [];
async function stub(...args: Parameters<typeof startStub>) {
  const s = await startStub(...args);
  stubs.push(s);
  return s;
}
after(async () => {
  killAllBinaries();
  await Promise.all(stubs.map((s) => s.close()));
});

const daemonArgs = (dir: string, endpoint: string, extra: string[] = []) => [
  'run', '--config', join(dir, 'config.yaml'), '--state-dir', join(dir, 'state'), '--endpoint', endpoint,
  '--delay', '300ms', '--period', '400ms', '--timeout', '300ms', ...extra,
];

describe('daemon (built binary, real HTTP)', () => {
  it('reports after the delay and then on the period, with the same ID and a growing uptime', async () => {
    const dir = workdir();
    const server = await stub();
    const started = Date.now();
    const daemon = startBinary(daemonArgs(dir, server.url));
    const got = await server.waitFor(3);
    const stopped = await daemon.stop();
    assert.equal(stopped.code, 0);
    assert.ok(got[0]!.at - started >= 300, 'no report before the delay');
    const payloads = got.map((r) => JSON.parse(r.body) as { id: string; uptime: number; hostInfo: Record<string, unknown> });
    assert.equal(new Set(payloads.map((p) => p.id)).size, 1);
    assert.match(payloads[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(names(got[0]!.body), ['input/generate', 'buffer/none', 'output/drop', 'metrics/prometheus', 'tracer/none']);
    assert.equal(got[0]!.headers['content-type'], 'application/json');
    assert.match(String(got[0]!.headers['user-agent']), /^connect-telemetry\/\d+\.\d+\.\d+/);
    assert.deepEqual(Object.keys(payloads[0]!.hostInfo).sort(), ['goArch', 'goMaxProcs', 'goOS', 'numCpu']);
    assert.ok(stopped.ms < 2000, `exited in ${stopped.ms} ms`);
  });

  it('keeps its ID and uptime across a restart', async () => {
    const dir = workdir();
    const server = await stub();
    const first = startBinary(daemonArgs(dir, server.url, ['--delay', '1s']));
    await server.waitFor(1);
    assert.equal((await first.stop()).code, 0);
    const before = JSON.parse(server.received[0]!.body) as { id: string; uptime: number };
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = startBinary(daemonArgs(dir, server.url, ['--delay', '1s']));
    await server.waitFor(2);
    await second.stop();
    const afterRestart = JSON.parse(server.received[1]!.body) as { id: string; uptime: number };
    assert.equal(afterRestart.id, before.id);
    assert.ok(afterRestart.uptime >= before.uptime + 1, `uptime ${before.uptime} → ${afterRestart.uptime}`);
  });

  it('follows an atomic rename of the config', async () => {
    const dir = workdir();
    const server = await stub();
    const daemon = startBinary(daemonArgs(dir, server.url, ['--poll-interval', '1h']));
    await server.waitFor(1);
    writeFileSync(join(dir, 'config.yaml.tmp'), KAFKA);
    renameSync(join(dir, 'config.yaml.tmp'), join(dir, 'config.yaml'));
    await daemon.waitForLog((l) => l['msg'] === 'config summary updated' && (l['byCategory'] as Record<string, number>)['input'] === 1 && daemon.logs.filter((x) => x['msg'] === 'config summary updated').length >= 2);
    const count = server.received.length;
    await server.waitFor(count + 1);
    await daemon.stop();
    assert.deepEqual(names(server.received.at(-1)!.body).slice(0, 3), ['input/kafka', 'buffer/none', 'output/aws_s3']);
  });

  it("runs as Connect's command line is typed (run ./config.yaml -e secrets/.env), follows the env file, and logs no unknown name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-envfile-'));
    writeFileSync(join(dir, 'config.yaml'), 'input:\n  ${INPUT:stdin}: {}\noutput:\n  ${OUTPUT}: {}\n');
    // In a directory of its own, so that only a watch on the env file itself sees it change.
    mkdirSync(join(dir, 'secrets'));
    const setEnv = (text: string) => {
      writeFileSync(join(dir, 'secrets/.env.tmp'), text);
      renameSync(join(dir, 'secrets/.env.tmp'), join(dir, 'secrets/.env'));
    };
    setEnv('INPUT=generate\nOUTPUT=drop\n');
    const server = await stub();
    const daemon = startBinary(
      ['run', './config.yaml', '-e', 'secrets/.env', '--state-dir', 'state', '--endpoint', server.url, '--delay', '300ms', '--period', '400ms', '--poll-interval', '100ms', '--log-level', 'trace'],
      { OUTPUT: 'stdout' },
      dir,
    );
    await server.waitFor(1);
    assert.deepEqual(names(server.received[0]!.body), ['input/generate', 'buffer/none', 'output/drop', 'metrics/prometheus', 'tracer/none'], 'the env file wins over the environment');
    const updates = () => daemon.logs.filter((l) => l['msg'] === 'config summary updated').length;
    for (const [output, expected] of [['aws_s3', 'output/aws_s3'], ['acme_private_sink', 'output/unknown']]) {
      const before = updates();
      setEnv(`INPUT=generate\nOUTPUT=${output}\n`);
      await daemon.waitForLog(() => updates() > before);
      const count = server.received.length;
      await server.waitFor(count + 1);
      assert.equal(names(server.received.at(-1)!.body)[2], expected);
    }
    assert.equal((await daemon.stop()).code, 0);
    assert.ok(daemon.logs.some((l) => l['level'] === 10 || l['level'] === 20), 'the daemon logged below info');
    assert.ok(!daemon.stderr().includes('acme_private_sink'), 'an unknown name reached the log');
  });

  it('follows a Kubernetes ConfigMap update (the ..data symlink swap)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-configmap-'));
    const mount = join(dir, 'mount');
    mkdirSync(join(mount, '..2026_01_01_00_00_00.1'), { recursive: true });
    writeFileSync(join(mount, '..2026_01_01_00_00_00.1', 'config.yaml'), GENERATE);
    symlinkSync('..2026_01_01_00_00_00.1', join(mount, '..data'));
    symlinkSync('..data/config.yaml', join(mount, 'config.yaml'));
    const server = await stub();
    const daemon = startBinary([
      'run', '-c', join(mount, 'config.yaml'), '--state-dir', join(dir, 'state'), '--endpoint', server.url,
      '--delay', '300ms', '--period', '400ms', '--poll-interval', '1h',
    ]);
    await server.waitFor(1);
    assert.deepEqual(names(server.received[0]!.body).slice(0, 1), ['input/generate']);
    // What the kubelet does: a new timestamped dir, a new ..data_tmp link, renamed over ..data.
    mkdirSync(join(mount, '..2026_01_01_00_05_00.2'));
    writeFileSync(join(mount, '..2026_01_01_00_05_00.2', 'config.yaml'), KAFKA);
    symlinkSync('..2026_01_01_00_05_00.2', join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
    rmSync(join(mount, '..2026_01_01_00_00_00.1'), { recursive: true });
    await daemon.waitForLog(() => daemon.logs.filter((x) => x['msg'] === 'config summary updated').length >= 2);
    const count = server.received.length;
    await server.waitFor(count + 1);
    await daemon.stop();
    assert.deepEqual(names(server.received.at(-1)!.body).slice(0, 3), ['input/kafka', 'buffer/none', 'output/aws_s3']);
  });

  it('keeps the last good summary when the config turns into bad YAML, and logs one clear error', async () => {
    const dir = workdir();
    const server = await stub();
    const daemon = startBinary(daemonArgs(dir, server.url, ['--poll-interval', '50ms']));
    await server.waitFor(1);
    writeFileSync(join(dir, 'config.yaml'), 'input:\n  generate: {\n  oops\n');
    const error = await daemon.waitForLog((l) => l['level'] === 50);
    assert.match(String(error['msg']), /cannot read the config: .*config\.yaml: invalid YAML at line \d+, column \d+/);
    const count = server.received.length;
    await server.waitFor(count + 2);
    await daemon.stop();
    assert.deepEqual(names(server.received.at(-1)!.body).slice(0, 1), ['input/generate']);
    assert.equal(daemon.logs.filter((l) => l['level'] === 50).length, 1, 'the same error is logged once');
  });

  it('waits for a config that does not exist yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-late-'));
    const server = await stub();
    const daemon = startBinary(daemonArgs(dir, server.url, ['--poll-interval', '100ms']));
    await daemon.waitForLog((l) => l['level'] === 50 && /no such config file/.test(String(l['msg'])));
    writeFileSync(join(dir, 'config.yaml'), KAFKA);
    await daemon.waitForLog((l) => l['msg'] === 'config summary updated');
    const count = server.received.length;
    await server.waitFor(count + 1);
    await daemon.stop();
    assert.deepEqual(names(server.received.at(-1)!.body).slice(0, 1), ['input/kafka']);
  });

  const optOuts: [string, string[], Record<string, string>, RegExp][] = [
    ['--disable-telemetry', ['--disable-telemetry'], {}, /--disable-telemetry/],
    ['CONNECT_TELEMETRY_DISABLED=1', [], { CONNECT_TELEMETRY_DISABLED: '1' }, /CONNECT_TELEMETRY_DISABLED/],
    ['DO_NOT_TRACK=1', [], { DO_NOT_TRACK: '1' }, /DO_NOT_TRACK/],
  ];
  for (const [what, flags, env, reason] of optOuts) {
    it(`sends nothing with ${what}, and stays up`, async () => {
      const dir = workdir();
      const server = await stub();
      const daemon = startBinary(daemonArgs(dir, server.url, ['--delay', '0ms', ...flags]), env);
      const line = await daemon.waitForLog((l) => /telemetry is disabled/.test(String(l['msg'])));
      assert.match(String(line['reason']), reason);
      await new Promise((resolve) => setTimeout(resolve, 800));
      assert.equal(daemon.child.exitCode, null, 'still running');
      const stopped = await daemon.stop();
      assert.equal(stopped.code, 0);
      assert.equal(server.received.length, 0);
      assert.ok(!existsSync(join(dir, 'state')), 'no state written');
    });
  }

  it('with no endpoint, says so and stays up idle', async () => {
    const dir = workdir();
    const daemon = startBinary(['run', '-c', join(dir, 'config.yaml'), '--state-dir', join(dir, 'state')]);
    await daemon.waitForLog((l) => /no endpoint configured/.test(String(l['msg'])));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(daemon.child.exitCode, null);
    assert.equal((await daemon.stop('SIGINT')).code, 0);
  });

  it('survives 500s and 429s with Retry-After and stays on schedule', async () => {
    const dir = workdir();
    let n = 0;
    const server = await stub((_req, res) => {
      n++;
      if (n % 2 === 1) res.writeHead(500).end('boom');
      else res.writeHead(429, { 'retry-after': '1' }).end();
    });
    const daemon = startBinary(daemonArgs(dir, server.url));
    await server.waitFor(4);
    assert.equal(daemon.child.exitCode, null);
    await daemon.waitForLog((l) => l['msg'] === 'report failed; dropped until the next period' && l['status'] === 429);
    await daemon.stop();
    const failed = daemon.logs.filter((l) => l['msg'] === 'report failed; dropped until the next period');
    assert.ok(failed.length >= 2);
    assert.ok(failed.every((l) => l['level'] === 40), 'failures are warnings');
  });

  it('survives a refused connection', async () => {
    const dir = workdir();
    const closed = await stub();
    const url = closed.url;
    await closed.close();
    const daemon = startBinary(daemonArgs(dir, url));
    await daemon.waitForLog((l) => l['msg'] === 'report failed; dropped until the next period' && /refused/.test(String(l['error'])));
    await daemon.waitForLog(() => daemon.logs.filter((l) => l['msg'] === 'report failed; dropped until the next period').length >= 2);
    assert.equal(daemon.child.exitCode, null);
    assert.equal((await daemon.stop()).code, 0);
  });

  it('survives a server that accepts and never answers, one request at a time', async () => {
    const dir = workdir();
    const sockets: Socket[] = [];
    let open = 0;
    let maxOpen = 0;
    const silent = createServer((socket) => {
      sockets.push(socket);
      open++;
      maxOpen = Math.max(maxOpen, open);
      socket.on('close', () => open--);
      socket.on('error', () => undefined);
      socket.resume(); // read, so the client's close is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const daemon = startBinary(daemonArgs(dir, `http://127.0.0.1:${port}/connect/telemetry`));
    await daemon.waitForLog(() => daemon.logs.filter((l) => l['msg'] === 'report failed; dropped until the next period').length >= 3);
    const stopped = await daemon.stop();
    for (const socket of sockets) socket.destroy();
    silent.close();
    assert.equal(stopped.code, 0);
    assert.ok(stopped.ms < 2000);
    assert.equal(maxOpen, 1, 'never more than one request in flight');
    assert.match(String(daemon.logs.find((l) => l['msg'] === 'report failed; dropped until the next period')?.['error']), /no answer .* within 300 ms/);
  });

  it('aborts an in-flight request and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const dir = workdir();
    // Where the daemon had got to when the server saw the connection end:
    // had it already logged that it stopped (so its exit may have closed it)?
    let stoppedBeforeClose: boolean | undefined;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const hanging = await stub((_request, response) => {
      response.socket?.once('end', () => {
        stoppedBeforeClose = daemon.logs.some((l) => l['msg'] === 'stopped');
        closed();
      });
    });
    const daemon = startBinary(daemonArgs(dir, hanging.url, ['--timeout', '1h', '--period', '1h']));
    await hanging.waitFor(1);
    const stopped = await daemon.stop();
    await connectionClosed;
    assert.equal(stopped.code, 0);
    assert.equal(stoppedBeforeClose, false, 'the daemon closed the connection itself, before it stopped');
    assert.ok(daemon.logs.some((l) => l['msg'] === 'stopped'), 'then it stopped cleanly');
    assert.ok(!daemon.logs.some((l) => l['msg'] === 'report failed; dropped until the next period'), 'an aborted report is not a failed one');
    assert.equal(JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')).lastReport, undefined, 'nothing recorded: the next start tries again');
    assert.ok(stopped.ms < 2000, `took ${stopped.ms} ms`);
  });

  it('signs the body as an RS256 JWT that verifies with the public key', async () => {
    const dir = workdir();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    const server = await stub();
    const daemon = startBinary(daemonArgs(dir, server.url, ['--signing-key', join(dir, 'key.pem')]));
    const [request] = await server.waitFor(1);
    await daemon.stop();
    assert.equal(request!.headers['content-type'], 'text/plain');
    const { payload } = await jwtVerify(request!.body, publicKey, { algorithms: ['RS256'] });
    assert.deepEqual((payload['components'] as { name: string }[]).map((c) => c.name), ['generate', 'none', 'drop', 'prometheus', 'none']);
    // Signed just now, in whole seconds since the epoch.
    assert.equal(typeof payload.iat, 'number');
    assert.ok(Math.abs((payload.iat as number) * 1000 - Date.now()) < 60_000, `iat ${payload.iat} is not now`);
    assert.ok(!daemon.stderr().includes('PRIVATE KEY'));
  });

  it('refuses a second daemon on the same state directory', async () => {
    const dir = workdir();
    const server = await stub();
    const first = startBinary(daemonArgs(dir, server.url, ['--delay', '1h']));
    await first.waitForLog((l) => /watching the config/.test(String(l['msg'])));
    const second = startBinary(daemonArgs(dir, server.url, ['--delay', '1h']));
    const code = await second.exited;
    await first.stop();
    assert.equal(code, 3);
    assert.match(second.stderr(), /another connect-telemetry \(pid \d+ on .+\) is using the state directory/);
  });

  it('refuses a plain-http endpoint off this machine unless allowed', async () => {
    const dir = workdir();
    const daemon = startBinary(daemonArgs(dir, 'http://telemetry.example/connect/telemetry'));
    assert.equal(await daemon.exited, 2);
    assert.match(daemon.stderr(), /--allow-insecure-endpoint/);
  });

  for (const [holder, pidOf] of [
    ['a process that is gone', () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)],
    ['a PID reused by another program', () => process.pid],
  ] as const) {
    it(`lets exactly one of 20 daemons started at once take over a lock left by ${holder}; the others exit 3 and the ID never changes`, async () => {
      const dir = workdir();
      const stateDir = join(dir, 'state');
      mkdirSync(stateDir, { mode: 0o700 });
      const id = randomUUID();
      writeFileSync(join(stateDir, 'state.json'), serialiseState({ instanceId: id, firstStartedAt: Date.now() - 3_600_000 }), { mode: 0o600 });
      // Fresh, so only the check of the PID can tell that it is stale.
      writeFileSync(join(stateDir, 'state.lock'), JSON.stringify({ pid: pidOf(), host: hostname(), since: new Date().toISOString() }));
      // A start line: each daemon reads its catalogue (--schema) from a FIFO of
      // its own and waits there until all twenty are up; then every FIFO is
      // written at once, and the twenty reach the lock together.
      const fifos = Array.from({ length: 20 }, (_, i) => join(dir, `schema-${i}.json`));
      for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
      const daemons = fifos.map((fifo) => startBinary(daemonArgs(dir, 'http://127.0.0.1:9/connect/telemetry', ['--delay', '1h', '--schema', fifo])));
      const schema = readFileSync(SCHEMA_PATH, 'utf8');
      await Promise.all(fifos.map((fifo) => writeFile(fifo, schema)));
      const exits: (number | null)[] = [];
      for (const daemon of daemons) void daemon.exited.then((code) => exits.push(code));
      const deadline = Date.now() + 90_000;
      while (exits.length < 19 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const running = daemons.filter((daemon) => daemon.child.exitCode === null && daemon.child.signalCode === null);
      assert.equal(running.length, 1, `exactly one daemon runs (exits so far: ${JSON.stringify(exits)})`);
      assert.deepEqual(exits, Array(19).fill(3), 'every other daemon exited with code 3');
      const winner = running[0]!;
      const watching = await winner.waitForLog((l) => /watching the config/.test(String(l['msg'])));
      assert.equal(watching['instanceId'], id, 'the stored identity is used');
      for (const daemon of daemons.filter((d) => d !== winner)) {
        assert.match(daemon.stderr(), new RegExp(`another connect-telemetry \\(pid ${winner.child.pid} on .+\\) is using the state directory`));
      }
      assert.equal(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')).instanceId, id, 'the stored ID never changed');
      // (A temporary file may be there for a moment while the daemon records what status shows.)
      assert.deepEqual(readdirSync(stateDir).filter((name) => /^state\.lock(\.\d+)?$/.test(name)), ['state.lock.1'], 'one lock, the next generation');
      assert.equal((await winner.stop()).code, 0);
      assert.deepEqual(readdirSync(stateDir).sort(), ['state.json'], 'the lock is released, nothing else is left');
    });
  }

  describe('status with only --state-dir', () => {
    const status = async (stateDir: string) => {
      const result = await runBinary(['status', '--json', '--state-dir', stateDir]);
      assert.equal(result.code, 0, result.stderr);
      return { json: JSON.parse(result.stdout) as StatusJson, text: (await runBinary(['status', '--state-dir', stateDir])).stdout };
    };

    it("shows a running daemon's PID, schedule, endpoint host, last reload and last report, then its config failing, then that it stopped", async () => {
      const dir = workdir();
      const server = await stub();
      const daemon = startBinary(daemonArgs(dir, `${server.url}?token=s3cr3t`, ['--delay', '200ms', '--period', '1h', '--poll-interval', '50ms']));
      await server.waitFor(1);
      await daemon.waitForLog((l) => l['msg'] === 'report sent');
      const running = await status(join(dir, 'state'));
      assert.equal(running.json.daemon.running, true);
      assert.equal(running.json.daemon.pid, daemon.child.pid);
      assert.deepEqual(running.json.telemetry, { enabled: true, reason: null });
      assert.equal(running.json.endpointHost, new URL(server.url).host);
      assert.deepEqual(running.json.schedule, { delay: '200ms', period: '1h', source: 'daemon' });
      assert.equal(running.json.lastReport?.outcome, 'sent');
      assert.equal(running.json.config.status, 'ok');
      assert.equal(running.json.config.components, 5);
      assert.match(running.text, new RegExp(`daemon:\\s+running \\(pid ${daemon.child.pid} on `));
      assert.match(running.text, /telemetry:\s+enabled \(reports go to 127\.0\.0\.1:\d+; as the running daemon has it\)/);
      assert.match(running.text, /next report due:\s+\S+ \(in (59m|1h)/, 'one period after the report');
      assert.ok(!running.text.includes('s3cr3t') && !running.text.includes('/connect/telemetry'), 'no endpoint path or query');

      writeFileSync(join(dir, 'config.yaml'), 'input:\n  generate: {\n  oops\n');
      await daemon.waitForLog((l) => l['level'] === 50);
      // The daemon records the failure just after logging it.
      let failing = await status(join(dir, 'state'));
      for (const until = Date.now() + 20_000; failing.json.config.status !== 'failing' && Date.now() < until; ) failing = await status(join(dir, 'state'));
      assert.equal(failing.json.config.status, 'failing');
      assert.equal(failing.json.config.problem, 'invalid-yaml');
      assert.match(failing.text, /config:\s+FAILING since \S+: the config is not valid YAML \(invalid-yaml\); reports carry the last good summary/);
      assert.ok(!failing.text.includes('oops'), 'no config text');

      assert.equal((await daemon.stop()).code, 0);
      const stopped = await status(join(dir, 'state'));
      assert.equal(stopped.json.daemon.running, false);
      assert.match(stopped.text, /daemon:\s+not running \(no daemon holds the state directory\)/);
      assert.equal(stopped.json.instanceId, running.json.instanceId);
    });

    it('shows a daemon that started without a readable config, and says nothing is sent', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ct-no-config-'));
      const server = await stub();
      const daemon = startBinary(daemonArgs(dir, server.url, ['--delay', '100ms', '--period', '200ms']));
      const line = await daemon.waitForLog((l) => /started without a readable config/.test(String(l['msg'])));
      assert.equal(line['level'], 50);
      await daemon.waitForLog((l) => /no readable config yet: this report is skipped/.test(String(l['msg'])));
      const shown = await status(join(dir, 'state'));
      assert.equal(daemon.child.exitCode, null, 'still up');
      assert.equal(shown.json.config.status, 'failing');
      assert.equal(shown.json.config.problem, 'missing');
      assert.match(shown.text, /reports carry nothing: no report is sent until the config can be read/);
      assert.equal(server.received.length, 0);
      assert.equal((await daemon.stop()).code, 0);
    });
  });
});

interface StatusJson {
  daemon: { running: boolean; pid: number | null };
  instanceId: string | null;
  telemetry: { enabled: boolean; reason: string | null };
  endpointHost: string | null;
  schedule: { delay: string; period: string; source: string };
  lastReport: { outcome: string } | null;
  config: { status: string; problem: string | null; components: number | null };
}
