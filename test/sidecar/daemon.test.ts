import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { runDaemon, type DaemonDeps } from '../../src/sidecar/daemon.ts';
import { createLogger, type LogLevel } from '../../src/lib/logger.ts';
import type { FetchLike } from '../../src/sidecar/send/send-report.ts';
import { spreadOffsetMs } from '../../src/sidecar/schedule.ts';
import { peekState, realStateFs } from '../../src/sidecar/state/state-store.ts';
import { FakeClock, settle } from '../helpers/fake-clock.ts';

const SECOND = 1000;

/** A daemon wired to a fake clock, a recording fetch and a hand-driven watcher. */
function harness(options: { statuses?: number[]; configText?: string; logLevel?: LogLevel; env?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-daemon-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, options.configText ?? 'input:\n  generate: {}\noutput:\n  drop: {}\n');
  const clock = new FakeClock();
  const statuses = [...(options.statuses ?? [])];
  const sent: { at: number; payload: { id: string; uptime: number; components: { type: string; name: string }[] } }[] = [];
  const fetch: FetchLike = async (_url, init) => {
    sent.push({ at: clock.now(), payload: JSON.parse(init.body) });
    return { status: statuses.shift() ?? 204, headers: { get: () => null }, body: null };
  };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(JSON.parse(String(chunk))); done(); } });
  let trigger: () => void = () => undefined;
  let watches = 0;
  const controller = new AbortController();
  let counter = 0;
  const deps: DaemonDeps = {
    clock,
    fetch,
    logger: createLogger(options.logLevel ?? 'debug', sink),
    env: options.env ?? {},
    cwd: dir,
    catalogue: bundledCatalogue(),
    hostInfo: { numCpu: 2, goMaxProcs: 2, goArch: 'amd64', goOS: 'linux' },
    randomId: () => `2f1d3a4b-5c6d-4e7f-8a9b-${String(++counter).padStart(12, '0')}`,
    random: () => 0.5,
    shutdown: controller.signal,
    // Real files, without waiting for the disk: fake time cannot wait for an fsync.
    stateFs: { ...realStateFs, writeFileAtomic: (path, data, options) => realStateFs.writeFileAtomic(path, data, { ...options, fsync: false }) },
    watch: (_targets, onChange) => {
      trigger = onChange;
      watches++;
      return { close: async () => undefined };
    },
  };
  const settings = {
    sources: { configs: [config], resources: [] },
    stateDir: join(dir, 'state'),
    endpoint: new URL('http://127.0.0.1:9/connect/telemetry'),
    delayMs: 60 * SECOND,
    periodMs: 10 * SECOND,
    timeoutMs: SECOND,
    pollIntervalMs: SECOND,
    userAgent: 'test',
  };
  return {
    dir, config, clock, sent, logs, settings, deps, controller,
    change: async (text: string) => {
      writeFileSync(config, text);
      trigger();
      await settle(20);
    },
    start: () => runDaemon(settings, deps),
    /** Resolves once the `n`-th daemon started on this harness watches its config (real I/O: lock, state, first read). */
    started: async (n = 1) => {
      for (let waited = 0; watches < n; waited++) {
        assert.ok(waited < 10_000, 'the daemon did not start watching');
        await settle(1);
      }
      await settle(4);
    },
  };
}

describe('runDaemon', () => {
  it('sends the first report once uptime reaches the delay, then one every period', async () => {
    const h = harness();
    const running = h.start();
    await h.started();
    const offset = spreadOffsetMs(h.sent[0]?.payload.id ?? '2f1d3a4b-5c6d-4e7f-8a9b-000000000001', h.settings);
    await h.clock.advance(59 * SECOND);
    assert.equal(h.sent.length, 0);
    await h.clock.advance(1 * SECOND + offset);
    assert.equal(h.sent.length, 1);
    assert.equal(h.sent[0]?.payload.uptime, 60);
    assert.deepEqual(h.sent[0]?.payload.components.map((c) => `${c.type}/${c.name}`), ['input/generate', 'buffer/none', 'output/drop', 'metrics/prometheus', 'tracer/none']);
    await h.clock.advance(10 * SECOND + offset);
    await h.clock.advance(10 * SECOND + offset);
    assert.equal(h.sent.length, 3);
    h.controller.abort();
    await running;
  });

  it('keeps the schedule after failures, and records the outcome', async () => {
    const h = harness({ statuses: [500, 500, 500, 500, 400] });
    const running = h.start();
    await h.started();
    await h.clock.advance(61 * SECOND);
    // Four attempts at the first report (retries), all 500: dropped.
    await h.clock.advance(5 * SECOND);
    assert.equal(h.sent.length, 4);
    await h.clock.advance(20 * SECOND);
    assert.equal(h.sent.length, 6); // a 400 (not retried), then a 204
    h.controller.abort();
    await running;
    const { state } = await peekState(h.settings.stateDir);
    assert.equal(state?.lastReport?.outcome, 'sent');
    assert.ok(h.logs.some((l) => l['msg'] === 'report failed; dropped until the next period' && l['status'] === 500));
  });

  it('reports the new summary after a config change, and keeps the last good one when the YAML breaks', async () => {
    const h = harness();
    const running = h.start();
    await h.started();
    await h.change('input:\n  kafka:\n    addresses: [a]\noutput:\n  aws_s3: {}\n');
    await h.clock.advance(61 * SECOND);
    assert.deepEqual(h.sent.at(-1)?.payload.components.slice(0, 3).map((c) => c.name), ['kafka', 'none', 'aws_s3']);
    await h.change('input: [\n');
    // A failed read is given a moment to settle (a file caught mid-write) before it is logged.
    assert.ok(!h.logs.some((l) => l['level'] === 50));
    await h.clock.advance(300);
    assert.ok(h.logs.some((l) => l['level'] === 50 && /cannot read the config: .*invalid YAML at line/.test(String(l['msg']))));
    await h.clock.advance(11 * SECOND);
    assert.equal(h.sent.length, 2);
    assert.deepEqual(h.sent.at(-1)?.payload.components.slice(0, 3).map((c) => c.name), ['kafka', 'none', 'aws_s3']);
    h.controller.abort();
    await running;
  });

  it('keeps its ID and uptime across a restart, and does not resend early', async () => {
    const h = harness();
    let running = h.start();
    await h.started();
    await h.clock.advance(61 * SECOND);
    assert.equal(h.sent.length, 1);
    const id = h.sent[0]?.payload.id;
    h.controller.abort();
    await running;

    const again = new AbortController();
    h.deps.shutdown = again.signal;
    await h.clock.advance(3 * SECOND); // down for 3 s
    running = runDaemon(h.settings, h.deps);
    await h.started(2);
    assert.equal(h.sent.length, 1, 'no report right after a restart');
    await h.clock.advance(8 * SECOND);
    assert.equal(h.sent.length, 2);
    assert.equal(h.sent[1]?.payload.id, id);
    assert.ok((h.sent[1]?.payload.uptime ?? 0) >= 70, "uptime counts from the first start");
    again.abort();
    await running;
  });

  it('never logs a config value at info level', async () => {
    const h = harness({ configText: 'input:\n  label: canary_label_1\n  generate:\n    mapping: root = "canary_value_2"\noutput:\n  canary_plugin_3: {}\n' });
    const running = h.start();
    await h.started();
    await h.clock.advance(61 * SECOND);
    h.controller.abort();
    await running;
    const info = JSON.stringify(h.logs.filter((l) => (l['level'] as number) >= 30));
    assert.equal(h.sent.length, 1);
    for (const canary of ['canary_label_1', 'canary_value_2', 'canary_plugin_3']) {
      assert.ok(!info.includes(canary), canary);
      assert.ok(!JSON.stringify(h.sent).includes(canary), canary);
    }
  });

  it('never logs a name the catalogue does not know, at any level', async () => {
    // Unknown names written every way a config can hold one: a single key, a
    // `type:`, several keys, beside a known key, and through ${VAR} in a key.
    const configText = [
      'input:',
      '  canary_input_1: {}',
      'pipeline:',
      '  processors:',
      '    - type: canary_type_2',
      '    - canary_key_3: {}',
      '      canary_key_4: {}',
      '    - mapping: root = this',
      '      canary_beside_5: {}',
      '    - ${SECRET_KIND}: {}',
      'output:',
      '  drop: {}',
      '',
    ].join('\n');
    const canaries = ['canary_input_1', 'canary_type_2', 'canary_key_3', 'canary_key_4', 'canary_beside_5', 'canary_secret_6'];
    const h = harness({ configText, logLevel: 'trace', env: { SECRET_KIND: 'canary_secret_6' } });
    const running = h.start();
    await h.started();
    await h.clock.advance(61 * SECOND);
    await h.change(`${configText}    - canary_later_7: {}\n`);
    await h.change('input: [\n');
    await h.clock.advance(300);
    h.controller.abort();
    await running;
    assert.equal(h.sent.length, 1);
    assert.deepEqual(h.sent[0]?.payload.components.filter((c) => c.name === 'unknown').length, 4);
    // Trace is the lowest level: every line logged at any level is here.
    const levels = new Set(h.logs.map((l) => l['level']));
    for (const level of [20, 30, 50]) assert.ok(levels.has(level), `lines at level ${level} were logged`);
    const all = JSON.stringify(h.logs);
    for (const canary of [...canaries, 'canary_later_7']) {
      assert.ok(!all.includes(canary), `${canary} in the logs`);
      assert.ok(!JSON.stringify(h.sent).includes(canary), `${canary} sent`);
    }
  });

  it('stops reporting, and says so, once another daemon has taken its lock', async () => {
    const h = harness();
    const running = h.start();
    await h.started();
    const stateFile = join(h.settings.stateDir, 'state.json');
    const before = readFileSync(stateFile, 'utf8');
    const lock = readdirSync(h.settings.stateDir).find((name) => /^state\.lock\.\d+$/.test(name)) ?? '';
    const next = `state.lock.${Number(lock.split('.').pop()) + 1}`;
    writeFileSync(join(h.settings.stateDir, next), JSON.stringify({ version: 1, pid: 4242, host: 'elsewhere', since: new Date().toISOString(), token: 'theirs' }));
    await h.clock.advance(60 * SECOND);
    const error = h.logs.find((l) => l['level'] === 50);
    assert.match(String(error?.['msg']), /another connect-telemetry has taken the lock of the state directory: this daemon stops reporting/);
    assert.equal(error?.['holder'], 'pid 4242 on elsewhere');
    await h.clock.advance(120 * SECOND);
    assert.equal(h.sent.length, 0, 'no report after the lock was lost');
    assert.equal(readFileSync(stateFile, 'utf8'), before, 'the state file is left to the new holder');
    h.controller.abort();
    await running;
    assert.ok(existsSync(join(h.settings.stateDir, next)), "the new holder's lock is left in place");
  });

  it('keeps reporting after a reload throws (here: its log line cannot be written), with the new summary', async () => {
    const h = harness();
    let failures = 0;
    const sink = new Writable({
      write(chunk, _enc, done) {
        const line = JSON.parse(String(chunk)) as Record<string, unknown>;
        // stderr gone for one line: pino's synchronous write throws
        if (line['msg'] === 'config summary updated' && h.sent.length > 0 && failures++ === 0) {
          done(new Error('EPIPE: broken pipe, write'));
          return;
        }
        h.logs.push(line);
        done();
      },
    });
    h.deps.logger = createLogger('debug', throwingStream(sink));
    const running = h.start();
    await h.started();
    await h.clock.advance(61 * SECOND);
    assert.equal(h.sent.length, 1);
    await h.change('input:\n  kafka:\n    addresses: [a]\noutput:\n  aws_s3: {}\n');
    assert.ok(h.logs.some((l) => l['level'] === 50 && /a config reload failed unexpectedly; the previous summary is kept and reports go on/.test(String(l['msg']))));
    await h.clock.advance(11 * SECOND);
    await h.clock.advance(11 * SECOND);
    assert.equal(h.sent.length, 3, 'reports go on');
    assert.deepEqual(h.sent.at(-1)?.payload.components.slice(0, 3).map((c) => c.name), ['kafka', 'none', 'aws_s3']);
    await h.change('input:\n  generate: {}\noutput:\n  drop: {}\n');
    await h.clock.advance(11 * SECOND);
    assert.deepEqual(h.sent.at(-1)?.payload.components.slice(0, 3).map((c) => c.name), ['generate', 'none', 'drop'], 'later reloads still work');
    h.controller.abort();
    await running;
  });
});

/** A destination whose write throws when the sink reports an error, as a synchronous write to a closed stderr does. */
function throwingStream(sink: Writable) {
  return {
    write(line: string) {
      let failed: Error | null | undefined;
      sink._write(Buffer.from(line), 'utf8', (error) => (failed = error));
      if (failed) throw failed;
    },
  };
}
