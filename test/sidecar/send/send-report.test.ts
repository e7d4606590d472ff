import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { Agent } from 'node:http';
import { Readable } from 'node:stream';
import { sendReport, type FetchLike } from '../../../src/sidecar/send/send-report.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | Error;

/** A fetch that answers from a script and records every call; like a real fetch, it refuses an aborted signal. */
function scriptedFetch(answers: Answer[]) {
  const calls: { url: string; method: string; redirect: string; agent: Agent | undefined; headers: Record<string, string>; body: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, method: init.method, redirect: init.redirect, agent: init.agent, headers: init.headers, body: init.body });
    if (init.signal.aborted) throw new DOMException('This operation was aborted', 'AbortError');
    const answer = answers.shift() ?? { status: 204 };
    if (answer instanceof Error) throw answer;
    const headers = new Map(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: answer.status, headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null }, body: answer.body ?? null };
  };
  return { fetch, calls };
}

/** A fetch that never answers, and fails only when its signal aborts (as a real one does). */
const hangingFetch: FetchLike = (_url, init) =>
  new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));

const netError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const body = { body: '{"id":"x"}', contentType: 'application/json' };
const settings = { endpoint: new URL('https://telemetry.example/connect/telemetry'), timeoutMs: 1000, userAgent: 'connect-telemetry/test' };

async function run(answers: Answer[], extra: { deadline?: number; endpoint?: URL } = {}) {
  const clock = new FakeClock();
  const { fetch, calls } = scriptedFetch(answers);
  let done = false;
  const pending = sendReport(body, { ...settings, ...extra }, { fetch, clock, random: () => 0.5, retryBaseMs: 1000 }, new AbortController().signal).finally(() => (done = true));
  // Let every backoff elapse, and no more time than that.
  for (let i = 0; i < 10 && !done; i++) await clock.advance(10 * 60_000);
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
    assert.equal(result.error, 'shutting down');
    assert.equal(result.status, 503);
  });

  it('times out an attempt that gets no answer', async () => {
    const clock = new FakeClock();
    const pending = sendReport(body, { ...settings, timeoutMs: 20, deadline: clock.now() }, { fetch: hangingFetch, clock, random: () => 0 }, new AbortController().signal);
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(19);
    assert.equal(settled, false, 'still waiting 1 ms before the time limit');
    await clock.advance(1);
    const result = await pending;
    assert.equal(result.outcome, 'failed');
    assert.match(result.error ?? '', /no answer from telemetry\.example within 20 ms/);
  });

  it('posts once, without following redirects itself, through the agent it was given', async () => {
    const clock = new FakeClock();
    const agent = new Agent();
    const { fetch, calls } = scriptedFetch([{ status: 200 }]);
    const result = await sendReport(body, { ...settings, agent }, { fetch, clock, random: () => 0.5 }, new AbortController().signal);
    agent.destroy();
    assert.deepEqual(result, { outcome: 'sent', attempts: 1, status: 200 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.method, 'POST');
    assert.equal(calls[0]?.redirect, 'manual');
    assert.equal(calls[0]?.agent, agent);
  });

  it('counts any 2xx as sent and anything from 300 up as not', async () => {
    for (const status of [200, 202, 299]) {
      const { result } = await run([{ status }]);
      assert.deepEqual(result, { outcome: 'sent', attempts: 1, status }, `${status}`);
    }
    for (const [status, error] of [
      [300, 'HTTP 300 redirect without a Location'],
      [399, 'HTTP 399 redirect without a Location'],
      [400, 'HTTP 400 from telemetry.example'],
      [199, 'HTTP 199 from telemetry.example'],
    ] as const) {
      const { result, calls } = await run([{ status }]);
      assert.deepEqual(result, { outcome: 'failed', attempts: 1, status, error }, `${status}`);
      assert.equal(calls.length, 1, `${status}`);
    }
  });

  it('tells each retry before waiting for it', async () => {
    const clock = new FakeClock();
    const { fetch } = scriptedFetch([{ status: 503 }, netError('ECONNRESET'), { status: 204 }]);
    const retries: unknown[] = [];
    const pending = sendReport(body, settings, { fetch, clock, random: () => 0.5, retryBaseMs: 1000, onRetry: (info) => retries.push(info) }, new AbortController().signal);
    for (let i = 0; i < 5; i++) await clock.advance(60_000);
    assert.deepEqual(await pending, { outcome: 'sent', attempts: 3, status: 204 });
    assert.deepEqual(retries, [
      { attempt: 1, delayMs: 500, reason: 'HTTP 503 from telemetry.example' },
      { attempt: 2, delayMs: 1000, reason: 'connection to telemetry.example reset' },
    ]);
  });

  it('does not wait after the last attempt', async () => {
    const { result, clock } = await run([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }, { status: 204 }]);
    assert.equal(result.attempts, 4);
    assert.deepEqual(clock.sleeps, [500, 1000, 2000]);
  });

  it('retries only when the wait ends before the deadline', async () => {
    // Full jitter at 0.5 of 1 s: the first wait is 500 ms.
    const start = new FakeClock().now();
    const atDeadline = await run([{ status: 503 }, { status: 204 }], { deadline: start + 500 });
    assert.deepEqual(atDeadline.result, { outcome: 'failed', attempts: 1, status: 503, error: 'HTTP 503 from telemetry.example; no time to retry before the next report' });
    const justBefore = await run([{ status: 503 }, { status: 204 }], { deadline: start + 501 });
    assert.deepEqual(justBefore.result, { outcome: 'sent', attempts: 2, status: 204 });
  });

  it('does not send at all when already shutting down', async () => {
    const controller = new AbortController();
    controller.abort();
    const { fetch } = scriptedFetch([{ status: 204 }]);
    const result = await sendReport(body, settings, { fetch, clock: new FakeClock(), random: () => 0.5 }, controller.signal);
    assert.deepEqual(result, { outcome: 'failed', attempts: 1, error: 'shutting down' });
  });

  it('abandons an unanswered attempt at once when shutting down', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const pending = sendReport(body, settings, { fetch: hangingFetch, clock, random: () => 0.5 }, controller.signal);
    await clock.advance(10);
    controller.abort();
    assert.deepEqual(await pending, { outcome: 'failed', attempts: 1, error: 'shutting down' });
    assert.equal(clock.now(), new FakeClock().now() + 10, 'no time limit waited for');
  });

  it('leaves no listener on the shutdown signal once done', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const { fetch } = scriptedFetch([{ status: 503 }, { status: 500 }, { status: 204 }]);
    const pending = sendReport(body, settings, { fetch, clock, random: () => 0.5 }, controller.signal);
    for (let i = 0; i < 5; i++) await clock.advance(60_000);
    assert.equal((await pending).outcome, 'sent');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('follows a same-origin 307 as well, but at most three redirects in a row', async () => {
    const temporary = await run([{ status: 307, headers: { location: '/v2/telemetry' } }, { status: 204 }]);
    assert.deepEqual(temporary.result, { outcome: 'sent', attempts: 1, status: 204 });
    assert.equal(temporary.calls[1]?.url, 'https://telemetry.example/v2/telemetry');

    const hop = (n: number) => ({ status: 308, headers: { location: `/hop${n}` } });
    const three = await run([hop(1), hop(2), hop(3), { status: 204 }]);
    assert.equal(three.result.outcome, 'sent');
    assert.deepEqual(three.calls.map((c) => c.url), ['https://telemetry.example/connect/telemetry', 'https://telemetry.example/hop1', 'https://telemetry.example/hop2', 'https://telemetry.example/hop3']);

    const four = await run([hop(1), hop(2), hop(3), hop(4), { status: 204 }]);
    assert.equal(four.calls.length, 4);
    assert.deepEqual(four.result, { outcome: 'failed', attempts: 1, status: 308, error: 'HTTP 308 redirect to /hop4; set --endpoint to the final URL' });
  });

  it('follows neither a 302 nor a 303, even to the same origin', async () => {
    for (const status of [302, 303]) {
      const { result, calls } = await run([{ status, headers: { location: 'https://telemetry.example/v2' } }]);
      assert.equal(calls.length, 1);
      assert.deepEqual(result, { outcome: 'failed', attempts: 1, status, error: `HTTP ${status} redirect to /v2; set --endpoint to the final URL` });
    }
  });

  it('treats a redirect to the same host on another scheme or port as another origin', async () => {
    for (const location of ['http://telemetry.example/connect/telemetry', 'https://telemetry.example:8443/connect/telemetry']) {
      const { result, calls } = await run([{ status: 308, headers: { location } }]);
      assert.equal(calls.length, 1, location);
      assert.equal(result.outcome, 'failed');
      assert.match(result.error ?? '', /another origin .* not followed; the payload goes only to the endpoint you named/);
    }
  });

  it('names each network failure in plain words and retries it', async () => {
    const cases: [Error, string][] = [
      [netError('ECONNREFUSED'), 'connection to telemetry.example refused'],
      [netError('ECONNRESET'), 'connection to telemetry.example reset'],
      [netError('EPIPE'), 'connection to telemetry.example reset'],
      [netError('ENOTFOUND'), 'cannot resolve telemetry.example (DNS: ENOTFOUND)'],
      [netError('EAI_AGAIN'), 'cannot resolve telemetry.example (DNS: EAI_AGAIN)'],
      [new Error('fetch failed', { cause: netError('ECONNREFUSED') }), 'connection to telemetry.example refused'],
      [netError('EHOSTUNREACH'), 'request to telemetry.example failed: connect EHOSTUNREACH'],
      [
        Object.assign(new Error('request failed: the proxy 10.0.0.1:3128 refused the tunnel to telemetry.example:443 (HTTP 403 to CONNECT); nothing was sent'), { code: 'EPROXYREFUSED' }),
        'the proxy 10.0.0.1:3128 refused the tunnel to telemetry.example:443 (HTTP 403 to CONNECT); nothing was sent',
      ],
    ];
    for (const [error, message] of cases) {
      const { result, calls } = await run([error, error, error, error]);
      assert.deepEqual(result, { outcome: 'failed', attempts: 4, error: message }, message);
      assert.equal(calls.length, 4, message);
    }
  });

  it('names the host and port of an endpoint on a port of its own', async () => {
    const { result } = await run([netError('ECONNREFUSED'), netError('ECONNREFUSED'), netError('ECONNREFUSED'), netError('ECONNREFUSED')], {
      endpoint: new URL('https://telemetry.example:8443/connect/telemetry'),
    });
    assert.equal(result.error, 'connection to telemetry.example:8443 refused');
  });

  it('explains every kind of untrusted certificate, and retries none', async () => {
    const codes = [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_NOT_YET_VALID',
    ];
    for (const code of codes) {
      const { result, calls } = await run([new Error('fetch failed', { cause: netError(code) })]);
      assert.equal(calls.length, 1, code);
      assert.deepEqual(result, {
        outcome: 'failed',
        attempts: 1,
        error: `the TLS certificate of telemetry.example is not trusted (${code}); pass --ca-file with the CA that signed it`,
      });
    }
  });

  it('retries an attempt that timed out', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const hangsOnce: FetchLike = (url, init) => {
      calls++;
      if (calls > 1) return Promise.resolve({ status: 204, headers: { get: () => null }, body: null });
      return hangingFetch(url, init);
    };
    const pending = sendReport(body, { ...settings, timeoutMs: 20 }, { fetch: hangsOnce, clock, random: () => 0.5, retryBaseMs: 1000 }, new AbortController().signal);
    await clock.advance(20);
    await clock.advance(500);
    assert.deepEqual(await pending, { outcome: 'sent', attempts: 2, status: 204 });
    assert.deepEqual(clock.sleeps, [500]);
  });

  it('leaves no timer behind the moment an attempt is answered', async () => {
    const clock = new FakeClock();
    const { fetch } = scriptedFetch([{ status: 204 }]);
    const result = await sendReport(body, settings, { fetch, clock, random: () => 0.5 }, new AbortController().signal);
    assert.equal(result.outcome, 'sent');
    assert.equal(clock.pending, 0, 'the time limit was cancelled, not left to fire');
  });

  it('announces no retry when shutdown comes with a retryable answer', async () => {
    const controller = new AbortController();
    const answersAsItStops: FetchLike = async () => {
      controller.abort();
      return { status: 503, headers: { get: () => null }, body: null };
    };
    const retries: unknown[] = [];
    const result = await sendReport(body, settings, { fetch: answersAsItStops, clock: new FakeClock(), random: () => 0.5, onRetry: (info) => retries.push(info) }, controller.signal);
    assert.deepEqual(result, { outcome: 'failed', attempts: 1, status: 503, error: 'HTTP 503 from telemetry.example' });
    assert.deepEqual(retries, []);
  });

  it("keeps a refused tunnel's whole message when it does not name the proxy", async () => {
    const refused = Object.assign(new Error('tunnel refused'), { code: 'EPROXYREFUSED' });
    const { result } = await run([refused, refused, refused, refused]);
    assert.equal(result.error, 'tunnel refused');
  });

  it('cancels the time limit of an attempt that was answered', async () => {
    const { clock } = await run([{ status: 204 }]);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });
});
