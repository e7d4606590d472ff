import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectProcess, isConnectTelemetry, judgeHolder, processState, type HolderContext } from '../../../src/sidecar/state/lock-holder.ts';

describe('isConnectTelemetry', () => {
  const cases: [string, boolean][] = [
    ['node\0/app/bin/connect-telemetry.js\0run\0', true],
    ['/usr/bin/node\0--enable-source-maps\0/usr/lib/node_modules/connect-telemetry/bin/connect-telemetry.js\0', true],
    ['node\0/usr/local/bin/connect-telemetry\0run\0--state-dir\0/x\0', true],
    ['node\0--test\0test/sidecar/daemon.test.ts\0', false],
    ['node\0/app/bin/connect-telemetry-helper.js\0', false],
    ['/bin/sh\0-c\0echo connect-telemetry\0', false],
    ['', false],
  ];
  for (const [cmdline, expected] of cases) {
    it(`${JSON.stringify(cmdline)} → ${expected}`, () => assert.equal(isConnectTelemetry(cmdline), expected));
  }
});

describe('processState', () => {
  it('reads the state letter after the command name, even one holding ") "', () => {
    assert.equal(processState('4242 (node) S 1 4242 4242 0 -1'), 'S');
    assert.equal(processState('4242 (a) Z (b)) Z 1 4242'), 'Z');
  });
});

describe('inspectProcess', () => {
  function fakeProc() {
    const proc = mkdtempSync(join(tmpdir(), 'ct-proc-'));
    const add = (pid: number | 'self', stat: string, cmdline?: string) => {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'stat'), stat);
      if (cmdline !== undefined) writeFileSync(join(proc, String(pid), 'cmdline'), cmdline);
    };
    add('self', '1 (node) R 0');
    add(10, '10 (node) S 1', 'node\0/app/bin/connect-telemetry.js\0run\0');
    add(11, '11 (node) Z 1', 'node\0/app/bin/connect-telemetry.js\0run\0');
    add(12, '12 (postgres) S 1', 'postgres\0-D\0/data\0');
    add(13, '13 (node) S 1');
    return proc;
  }

  it('tells a connect-telemetry process, a zombie, another program, one it may not read, and a PID that is gone', async () => {
    const proc = fakeProc();
    assert.equal(await inspectProcess(10, proc), 'connect-telemetry');
    assert.equal(await inspectProcess(11, proc), 'zombie');
    assert.equal(await inspectProcess(12, proc), 'other-program');
    assert.equal(await inspectProcess(13, proc), 'alive');
    assert.equal(await inspectProcess(14, proc), 'gone');
  });

  it('sees this test runner in the real /proc as another program', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    assert.equal(await inspectProcess(process.pid), 'other-program');
  });
});

describe('judgeHolder', () => {
  const NOW = Date.UTC(2026, 5, 1);
  const context = (kind: Awaited<ReturnType<HolderContext['inspect']>>): HolderContext => ({ pid: 1, host: 'here', now: NOW, inspect: async () => kind });
  const record = (pid: number, host = 'here') => ({ pid, host, since: NOW - 60_000, token: 't' });

  const cases: [string, ReturnType<typeof record> | undefined, number, HolderContext, boolean][] = [
    ['a running connect-telemetry with a fresh lock holds it', record(7), NOW - 30_000, context('connect-telemetry'), true],
    ['a running connect-telemetry whose lock missed three heartbeats does not', record(7), NOW - 181_000, context('connect-telemetry'), false],
    ['a PID that is gone does not', record(7), NOW - 1000, context('gone'), false],
    ['a zombie does not', record(7), NOW - 1000, context('zombie'), false],
    ['a PID reused by another program does not', record(7), NOW - 1000, context('other-program'), false],
    ['a PID that cannot be looked into holds it while fresh', record(7), NOW - 1000, context('alive'), true],
    ['this very PID does not (a previous life)', record(1), NOW - 1000, context('connect-telemetry'), false],
    ['another host, fresh, holds it', record(1, 'there'), NOW - 170_000, context('gone'), true],
    ['another host, three heartbeats missed, does not', record(1, 'there'), NOW - 181_000, context('gone'), false],
    ['an unreadable lock a few seconds old is one being written', undefined, NOW - 5000, context('gone'), true],
    ['an unreadable lock older than that is garbage', undefined, NOW - 11_000, context('gone'), false],
  ];
  for (const [name, holder, mtime, ctx, live] of cases) {
    it(name, async () => assert.equal((await judgeHolder(holder, mtime, ctx)).live, live));
  }
});
