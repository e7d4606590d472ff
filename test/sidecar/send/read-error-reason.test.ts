import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { firstLineOf, MAX_REASON_BYTES, readErrorReason } from '../../../src/sidecar/send/read-error-reason.ts';

const never = new AbortController().signal;

/** A Node stream that hands out `chunk` for ever, counting the bytes it gave and whether it was destroyed. */
function endless(chunk: string) {
  const seen = { bytes: 0, destroyed: false };
  const stream = new Readable({
    read() {
      seen.bytes += Buffer.byteLength(chunk);
      this.push(chunk);
    },
    destroy(error, callback) {
      seen.destroyed = true;
      callback(error);
    },
  });
  return { stream, seen };
}

/** A Node stream that sends `first`, then nothing more until destroyed. */
function trickle(first: string) {
  const seen = { destroyed: false };
  let sent = false;
  const stream = new Readable({
    read() {
      if (!sent) this.push(first);
      sent = true;
    },
    destroy(error, callback) {
      seen.destroyed = true;
      callback(error);
    },
  });
  return { stream, seen };
}

describe('readErrorReason', () => {
  it('reads the first line of a text/plain body', async () => {
    const body = Readable.from([Buffer.from('not found; reports go to POST /connect/telemetry\nmore\n')]);
    assert.equal(await readErrorReason(body, 'text/plain; charset=utf-8', never), 'not found; reports go to POST /connect/telemetry');
  });

  it('reads a web stream body as well', async () => {
    const body = new Blob(['use POST\n']).stream();
    assert.equal(await readErrorReason(body, 'Text/Plain', never), 'use POST');
  });

  it('reads at most a small prefix of a body that never ends, then drops it', { timeout: 5000 }, async () => {
    const { stream, seen } = endless('x'.repeat(100));
    const reason = await readErrorReason(stream, 'text/plain', never);
    assert.equal(reason, `${'x'.repeat(200)}…`);
    // A Readable reads ahead up to its high-water mark (16 KiB) at most, never the whole body.
    assert.ok(seen.bytes <= MAX_REASON_BYTES + 16 * 1024 + 100, `pulled ${seen.bytes} bytes`);
    assert.ok(seen.destroyed, 'the body is destroyed');
  });

  it('stops when the time limit passes, keeping what arrived', { timeout: 5000 }, async () => {
    const { stream, seen } = trickle('half a rea');
    const limit = new AbortController();
    setTimeout(() => limit.abort(), 50);
    const started = Date.now();
    assert.equal(await readErrorReason(stream, 'text/plain', limit.signal), 'half a rea');
    assert.ok(Date.now() - started < 1000);
    assert.ok(seen.destroyed, 'the body is destroyed');
  });

  it('lets a read still pending when the time runs out fail quietly once the body is dropped', { timeout: 5000 }, async () => {
    // A body whose pending read fails when it is destroyed, as a socket's does.
    const pending: ((error: Error) => void)[] = [];
    const body = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise((_, reject) => pending.push(reject)) }),
      destroy: () => pending.splice(0).forEach((reject) => reject(new Error('aborted'))),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const limit = new AbortController();
      setTimeout(() => limit.abort(), 20);
      assert.equal(await readErrorReason(body, 'text/plain', limit.signal), undefined);
      assert.equal(pending.length, 0, 'the body was dropped');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('returns nothing when the time is already up, without waiting for the body', async () => {
    const { stream } = trickle('');
    const limit = new AbortController();
    limit.abort();
    assert.equal(await readErrorReason(stream, 'text/plain', limit.signal), undefined);
  });

  it('does not read a body of another media type (an HTML error page) and drops it', async () => {
    const { stream, seen } = endless('<html>');
    assert.equal(await readErrorReason(stream, 'text/html', never), undefined);
    assert.equal(await readErrorReason(Readable.from(['x']), null, never), undefined);
    assert.equal(seen.bytes, 0);
    assert.ok(seen.destroyed);
  });

  it('keeps what arrived when the connection fails mid-body', async () => {
    const body = new Readable({ read() {} });
    body.push('cut sh');
    setTimeout(() => body.destroy(new Error('socket hang up')), 20);
    assert.equal(await readErrorReason(body, 'text/plain', never), 'cut sh');
  });

  it('reads text/plain with any spacing before its parameters', async () => {
    assert.equal(await readErrorReason(Readable.from(['use POST']), ' text/plain ;charset=utf-8', never), 'use POST');
  });

  it('joins chunks, strings or bytes, and stops at the byte limit inside one', async () => {
    const body = Readable.from(['use ', Buffer.from('POST'), ' /connect/telemetry']);
    assert.equal(await readErrorReason(body, 'text/plain', never, 10), 'use POST /');
  });

  it('reads a reason cut inside a character', async () => {
    // "é" is two bytes; a one-byte limit keeps half of it.
    assert.equal(await readErrorReason(Readable.from([Buffer.from('é')]), 'text/plain', never, 1), '\uFFFD');
  });

  it('reads a body whose iterator cannot be closed early', async () => {
    const chunks = ['refused\n'];
    const body = {
      [Symbol.asyncIterator]: () => ({ next: async () => (chunks.length > 0 ? { done: false, value: chunks.shift() } : { done: true, value: undefined }) }),
    };
    assert.equal(await readErrorReason(body, 'text/plain', never), 'refused');
  });

  it('leaves no listener on the time limit once read', async () => {
    const limit = new AbortController();
    await readErrorReason(Readable.from(['use POST']), 'text/plain', limit.signal);
    assert.equal(getEventListeners(limit.signal, 'abort').length, 0);
  });

  it('cancels a web stream body of another media type unread', async () => {
    let cancelled = false;
    let pulled = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('<html>'));
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    assert.equal(await readErrorReason(body, 'text/html', never), undefined);
    assert.equal(cancelled, true);
    assert.equal(pulled, 0);
  });

  it('leaves a web stream someone else is reading alone', async () => {
    const body = new Blob(['<html>']).stream();
    const reader = body.getReader();
    assert.equal(await readErrorReason(body, 'text/html', never), undefined);
    assert.deepEqual(await reader.read(), { done: false, value: new TextEncoder().encode('<html>') });
  });

  it('returns nothing for an empty body or no body', async () => {
    assert.equal(await readErrorReason(Readable.from([]), 'text/plain', never), undefined);
    assert.equal(await readErrorReason(null, 'text/plain', never), undefined);
  });
});

describe('firstLineOf', () => {
  it('skips blank lines and trims', () => {
    assert.equal(firstLineOf('\r\n  use POST  \r\nsecond'), 'use POST');
  });

  it('turns control characters into spaces, so a reason cannot forge a log line or a terminal escape', () => {
    assert.equal(firstLineOf('a\u001b[31mb\u0000c\u2028d'), 'a [31mb c d');
  });

  it('keeps a line of exactly 200 characters whole', () => {
    assert.equal(firstLineOf('a'.repeat(200)), 'a'.repeat(200));
  });

  it('skips a line of spaces only', () => {
    assert.equal(firstLineOf('   \nuse POST'), 'use POST');
  });

  it('cuts a long line', () => {
    assert.equal(firstLineOf('é'.repeat(300)), `${'é'.repeat(200)}…`);
  });

  it('returns nothing for blank text', () => {
    assert.equal(firstLineOf(' \n\t\n'), undefined);
  });
});
