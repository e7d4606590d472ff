import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { sendReport, type FetchLike } from '../../../src/sidecar/send/send-report.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | Error;

/** A fetch that answers from a script and records every call. */
function scriptedFetch(answers: Answer[]) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    const answer = answers.shift() ?? { status: 204 };
    if (answer instanceof Error) throw answer;
    const headers = new Map(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: answer.status, headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null }, body: answer.body ?? null };
  };
  return { fetch, calls };
}

const netError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const body = { body: '{"id":"x"}', contentType: 'application/json' };
const settings = { endpoint: new URL('https://telemetry.example/connect/telemetry'), timeoutMs: 1000, userAgent: 'connect-telemetry/test' };

async function run(answers: Answer[], extra: { deadline?: number } = {}) {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(answers);
  const pending = sendReport(body, { ...settings, ...extra }, { fetch, clock, random: () => 0.5, retryBaseMs: 1000 }, new AbortController().signal);
  // Let every backoff elapse.
  for (let i = 0; i < 10; i++) await clock.advance(10 * 60_000);
  return { result: await pending, calls, clock };
}

describe('sendReport', () => {
  it('posts the body with its content type and user agent', async () => {
    const { result, calls } = await run([{ status: 204 }]);
    assert.deepEqual(result, { outcome: 'sent', attempts: 1, status: 204 });
    assert.equal(calls[0]?.url, settings.endpoint.href);
    assert.equal(calls[0]?.headers['content-type'], 'application/json');
    assert.equal(calls[0]?.headers['user-agent'], 'connect-telemetry/test');
    assert.equal(calls[0]?.body, body.body);
  });

  it('retries network errors, 408, 429 and 5xx, then succeeds', async () => {
    const { result, calls, clock } = await run([netError('ECONNREFUSED'), { status: 503 }, { status: 429 }, { status: 204 }]);
    assert.equal(result.outcome, 'sent');
    assert.equal(calls.length, 4);
    // Full jitter at 0.5: half of 1 s, 2 s, 4 s.
    assert.deepEqual(clock.sleeps, [500, 1000, 2000]);
  });

  it("waits as long as the server's Retry-After asks", async () => {
    const { calls, clock } = await run([{ status: 429, headers: { 'Retry-After': '7' } }, { status: 204 }]);
    assert.equal(calls.length, 2);
    assert.deepEqual(clock.sleeps, [7000]);
  });

  it('gives up after a few attempts and says why', async () => {
    const { result, calls } = await run([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    assert.equal(calls.length, 4);
    assert.deepEqual(result, { outcome: 'failed', attempts: 4, status: 500, error: 'HTTP 500 from telemetry.example' });
  });

  it('does not retry other 4xx', async () => {
    for (const status of [400, 401, 404, 413, 415]) {
      const { result, calls } = await run([{ status }]);
      assert.equal(calls.length, 1, `${status}`);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.status, status);
    }
  });

  it('does not retry past the deadline (the next report)', async () => {
    const clock = new FakeClock();
    const { fetch, calls } = scriptedFetch([{ status: 503, headers: { 'retry-after': '3600' } }]);
    const result = await sendReport(body, { ...settings, deadline: clock.now() + 60_000 }, { fetch, clock, random: () => 0.5 }, new AbortController().signal);
    assert.equal(calls.length, 1);
    assert.match(result.error ?? '', /no time to retry before the next report/);
  });

  it("tells a 404's one-line reason, the URL posted to and the endpoint to set", async () => {
    const reason = Readable.from([Buffer.from('not found; reports go to POST /connect/telemetry\n')]);
    const clock = new FakeClock();
    const { fetch, calls } = scriptedFetch([{ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: reason }]);
    const result = await sendReport(body, { ...settings, endpoint: new URL('https://telemetry.example/') }, { fetch, clock, random: () => 0.5 }, new AbortController().signal);
    assert.equal(calls.length, 1);
    assert.deepEqual(result, {
      outcome: 'failed',
      attempts: 1,
      status: 404,
      error:
        'HTTP 404 from https://telemetry.example/ ("not found; reports go to POST /connect/telemetry"); ' +
        'if it is a connect-telemetry collector, set --endpoint to https://telemetry.example/connect/telemetry',
    });
  });

  it("stops reading a 404's reason at the attempt's time limit", async () => {
    // The first bytes of a reason, then nothing: a server that never finishes its body.
    const trickle = new Readable({ read() {} });
    trickle.push('use PO');
    const { fetch } = scriptedFetch([{ status: 405, headers: { 'content-type': 'text/plain' }, body: trickle }]);
    const clock = new FakeClock();
    const pending = sendReport(body, { ...settings, timeoutMs: 100 }, { fetch, clock, random: () => 0.5 }, new AbortController().signal);
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(99);
    assert.equal(settled, false, 'still reading 1 ms before the time limit');
    await clock.advance(1);
    const result = await pending;
    assert.equal(result.error, 'HTTP 405 from https://telemetry.example/connect/telemetry ("use PO")');
    assert.ok(trickle.destroyed, 'the body is dropped');
  });

  it('never reads the body of any other answer', async () => {
    for (const status of [204, 400, 413, 500]) {
      let pulled = 0;
      const stream = new Readable({
        read() {
          pulled++;
          this.push('x');
        },
      });
      await run([{ status, headers: { 'content-type': 'text/plain' }, body: stream }]);
      assert.equal(pulled, 0, `${status}: body read`);
      assert.ok(stream.destroyed, `${status}: body dropped`);
    }
  });

  it('follows a same-origin 307/308 redirect but never one to another origin', async () => {
    const same = await run([{ status: 308, headers: { location: '/v2/telemetry' } }, { status: 204 }]);
    assert.equal(same.result.outcome, 'sent');
    assert.equal(same.calls[1]?.url, 'https://telemetry.example/v2/telemetry');

    const other = await run([{ status: 307, headers: { location: 'https://elsewhere.example/collect' } }]);
    assert.equal(other.calls.length, 1);
    assert.equal(other.result.outcome, 'failed');
    assert.match(other.result.error ?? '', /another origin \(https:\/\/elsewhere\.example\) not followed/);

    const moved = await run([{ status: 301, headers: { location: '/elsewhere' } }]);
    assert.equal(moved.calls.length, 1);
    assert.match(moved.result.error ?? '', /set --endpoint to the final URL/);
  });

  it('explains an untrusted certificate and does not retry it', async () => {
    const { result, calls } = await run([netError('SELF_SIGNED_CERT_IN_CHAIN')]);
    assert.equal(calls.length, 1);
    assert.match(result.error ?? '', /not trusted .*--ca-file/);
  });

  it('stops at once when shutting down', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const { fetch, calls } = scriptedFetch([{ status: 503 }, { status: 204 }]);
    const pending = sendReport(body, settings, { fetch, clock, random: () => 0.5 }, controller.signal);
    await clock.advance(0);
    controller.abort();
    const result = await pending;
    assert.equal(calls.length, 1);
    assert.equal(result.outcome, 'failed');
  });

  it('times out an attempt that gets no answer', async () => {
    const clock = new FakeClock();
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const pending = sendReport(body, { ...settings, timeoutMs: 20, deadline: clock.now() }, { fetch: hanging, clock, random: () => 0 }, new AbortController().signal);
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(19);
    assert.equal(settled, false, 'still waiting 1 ms before the time limit');
    await clock.advance(1);
    const result = await pending;
    assert.equal(result.outcome, 'failed');
    assert.match(result.error ?? '', /no answer from telemetry\.example within 20 ms/);
  });

  it('cancels the time limit of an attempt that was answered', async () => {
    const { clock } = await run([{ status: 204 }]);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });
});
