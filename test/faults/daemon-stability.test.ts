/**
 * Resource stability of the running daemon: thousands of config rewrites
 * (atomic renames and in-place writes, as fast as they come) and thousands of
 * failed sends (a refused port, and a server answering 500) must leave its
 * open file descriptors (/proc/<pid>/fd) and resident memory (VmRSS) flat.
 * Each is measured after a warm-up and again at the end; the bounds are
 * generous, the figures are printed. `npm run test:faults` runs 10,000 of
 * each; `npm test` a tenth.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killAllBinaries, startBinary, type Running } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { alive, byMsg, componentNames, countingServer, countLogs, FAILED, FULL, GOOD_A, GOOD_A_COMPONENTS, GOOD_B, GOOD_B_COMPONENTS, mb, memoryOf, fdCount, runArgs, sleep, UPDATED, waitUntil } from './daemon-helpers.ts';
import { tempDir } from './helpers.ts';

const N = Number(process.env['FAULT_STABILITY_N'] ?? (FULL ? 10_000 : 1_000));
const WARM_UP = Math.max(100, Math.floor(N / 10));
/** Generous bounds on growth between the warm-up and the end. */
const FD_GROWTH_BOUND = 8;
const RSS_GROWTH_BOUND_KB = 64 * 1024;

interface Figure {
  run: string;
  fds: [number, number];
  rssKb: [number, number];
  seconds: number;
}
const figures: Figure[] = [];
const stubs: Stub[] = [];
after(async () => {
  killAllBinaries();
  await Promise.all(stubs.map((s) => s.close()));
  process.stdout.write(
    `# daemon stability figures (run | fds after warm-up → end | VmRSS after warm-up → end | time)\n${figures
      .map((f) => `#   ${f.run} | ${f.fds[0]} → ${f.fds[1]} | ${mb(f.rssKb[0])} → ${mb(f.rssKb[1])} MB | ${f.seconds} s`)
      .join('\n')}\n`,
  );
});

const reading = (daemon: Running) => ({ fds: fdCount(daemon.child.pid!), rssKb: memoryOf(daemon.child.pid!).rssKb });

/** Waits until the daemon has logged no new line for `quietMs`: the burst has been dealt with. */
async function settle(daemon: Running, quietMs = 600, match: (l: Record<string, unknown>) => boolean = () => true) {
  let last = -1;
  await waitUntil(
    () => {
      const now = daemon.logs.filter(match).length;
      const quiet = now === last;
      last = now;
      return quiet;
    },
    'the daemon to settle',
    60_000,
    quietMs,
  );
}

function check(run: string, before: { fds: number; rssKb: number }, end: { fds: number; rssKb: number }, seconds: number) {
  figures.push({ run, fds: [before.fds, end.fds], rssKb: [before.rssKb, end.rssKb], seconds });
  assert.ok(end.fds - before.fds <= FD_GROWTH_BOUND, `${run}: file descriptors ${before.fds} → ${end.fds}`);
  assert.ok(end.rssKb - before.rssKb < RSS_GROWTH_BOUND_KB, `${run}: RSS ${mb(before.rssKb)} → ${mb(end.rssKb)} MB`);
}

describe(`resource stability (${N} of each)`, () => {
  it(`${N} config rewrites leave file descriptors and memory flat`, async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'config.yaml');
    writeFileSync(path, GOOD_A);
    const stub = await startStub();
    stubs.push(stub);
    const daemon = startBinary(runArgs(path, join(dir, 'state'), stub.url, ['--period', '500ms', '--poll-interval', '50ms']));
    await stub.waitFor(1, 20_000);
    const started = Date.now();
    let expected = GOOD_A_COMPONENTS;
    const rewrite = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const text = `${i % 2 === 0 ? GOOD_A : GOOD_B}# revision ${i}\n`;
        expected = i % 2 === 0 ? GOOD_A_COMPONENTS : GOOD_B_COMPONENTS;
        if (i % 2 === 0) {
          writeFileSync(`${path}.tmp`, text);
          renameSync(`${path}.tmp`, path);
        } else {
          writeFileSync(path, text);
        }
        if (i % 20 === 0) await sleep(1);
      }
    };
    await rewrite(0, WARM_UP);
    await settle(daemon, 600, byMsg(UPDATED));
    const before = reading(daemon);
    await rewrite(WARM_UP, N);
    await settle(daemon, 600, byMsg(UPDATED));
    const end = reading(daemon);
    assert.ok(alive(daemon));
    const updates = countLogs(daemon, byMsg(UPDATED));
    t.diagnostic(`${N} rewrites, ${updates} summary updates, ${daemon.logs.filter((l) => Number(l['level']) >= 50).length} error lines`);
    assert.ok(updates >= 2, 'the daemon followed the rewrites');
    // The next report carries the last version written.
    const count = stub.received.length;
    await stub.waitFor(count + 2, 20_000);
    assert.deepEqual(componentNames(stub.received.at(-1)!.body), expected);
    check(`${N} config rewrites`, before, end, Math.round((Date.now() - started) / 1000));
    assert.equal((await daemon.stop()).code, 0);
  });

  const failures: [string, () => Promise<string>][] = [
    [
      'a refused port',
      async () => {
        const closed = await countingServer(() => undefined);
        const url = closed.url();
        await closed.close();
        return url;
      },
    ],
    [
      'a server answering 500',
      async () => {
        const stub = await startStub((_req, res) => res.writeHead(500).end('no'));
        stubs.push(stub);
        return stub.url;
      },
    ],
  ];
  for (const [what, endpoint] of failures) {
    it(`${N} failed sends to ${what} leave file descriptors and memory flat`, async (t) => {
      const dir = tempDir(t);
      writeFileSync(join(dir, 'config.yaml'), GOOD_A);
      const url = await endpoint();
      const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), url, ['--delay', '0ms', '--period', '5ms', '--timeout', '2s']));
      const started = Date.now();
      const failed = () => countLogs(daemon, byMsg(FAILED));
      await waitUntil(() => failed() >= WARM_UP || !alive(daemon), `${WARM_UP} failed sends`, 120_000, 100);
      const before = reading(daemon);
      assert.ok(alive(daemon), `exited after ${failed()} failed sends: ${daemon.stderr().slice(-3000)}`);
      await waitUntil(() => failed() >= N || !alive(daemon), `${N} failed sends`, 600_000, 100);
      assert.ok(alive(daemon), `exited after ${failed()} failed sends: ${daemon.stderr().slice(-3000)}`);
      const end = reading(daemon);
      const seconds = Math.round((Date.now() - started) / 1000);
      t.diagnostic(`${failed()} failed sends in ${seconds} s`);
      check(`${N} failed sends to ${what}`, before, end, seconds);
      assert.equal((await daemon.stop()).code, 0);
    });
  }
});
