import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { ReloadOutcome } from '../../src/config/config-monitor.ts';
import type { Summary } from '../../src/config/summarise.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { ConfigReloader, SETTLE_MS, type Monitor, type SettledOutcome } from '../../src/sidecar/config-reloader.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const summary = (names: string[]): Summary => ({
  files: [{ path: '/c.yaml', role: 'main', ignoredDocuments: 0, components: names.map((name) => ({ category: 'input' as const, name, path: 'input', known: true, defaulted: false })) }],
  instanceDefaults: [],
});

/** A monitor that answers each reload from a script: an outcome, or an error to throw. */
function scripted(answers: (ReloadOutcome | Error)[]): Monitor & { calls: number } {
  const monitor = {
    calls: 0,
    resolved: undefined,
    async reload(): Promise<ReloadOutcome> {
      monitor.calls++;
      const answer = answers.shift() ?? { kind: 'unchanged' as const };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return monitor;
}

function harness(monitor: Monitor, watch: () => { close: () => Promise<void> } = () => ({ close: async () => undefined })) {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(JSON.parse(String(chunk))); done(); } });
  const clock = new FakeClock();
  const outcomes: SettledOutcome[] = [];
  const reloader = new ConfigReloader(monitor, ['/c.yaml'], { clock, logger: createLogger('debug', sink), shutdown: new AbortController().signal, cwd: '/', watch }, (o) => outcomes.push(o));
  return { reloader, logs, clock, outcomes };
}

describe('ConfigReloader', () => {
  it('survives a reload that throws: it logs the kind of error, and the next reload works', async () => {
    const monitor = scripted([new TypeError('boom with "secret" text'), { kind: 'changed', summary: summary(['generate']) }]);
    const h = harness(monitor);
    await h.reloader.reload();
    const error = h.logs.find((l) => l['level'] === 50);
    assert.equal(error?.['msg'], 'a config reload failed unexpectedly; the previous summary is kept and reports go on');
    assert.equal(error?.['error'], 'TypeError');
    assert.ok(!JSON.stringify(h.logs.filter((l) => (l['level'] as number) >= 30)).includes('secret'), 'the message is not logged above debug');
    await h.reloader.reload();
    assert.equal(monitor.calls, 2);
    assert.deepEqual(h.outcomes.map((o) => o.kind), ['changed']);
    assert.ok(h.logs.some((l) => l['msg'] === 'config summary updated'));
  });

  it('survives a watcher that cannot be set up, and tries again on the next reload', async () => {
    let tries = 0;
    const h = harness(scripted([{ kind: 'changed', summary: summary(['generate']) }]), () => {
      tries++;
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    });
    await h.reloader.reload();
    await h.reloader.reload();
    assert.equal(tries, 2);
    assert.equal(h.logs.filter((l) => l['level'] === 50).length, 2);
    assert.deepEqual(h.outcomes.map((o) => o.kind), ['changed', 'unchanged'], 'the outcomes still count');
  });

  it('reads a failed config again once it has settled, and logs a failure only once it lasts', async () => {
    const failed = { kind: 'failed' as const, error: '/c.yaml: invalid YAML at line 1, column 1: x', keptPrevious: false };
    const h = harness(scripted([failed, failed]));
    await h.reloader.reload(false);
    assert.equal(h.logs.filter((l) => l['level'] === 50).length, 0, 'not yet');
    assert.equal(h.outcomes.length, 0);
    await h.clock.advance(SETTLE_MS);
    await h.reloader.settled();
    assert.equal(h.logs.filter((l) => l['level'] === 50).length, 1);
    assert.equal(h.outcomes[0]?.kind, 'failed');
  });
});
