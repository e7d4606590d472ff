/**
 * The collector's connection limits over real sockets: the connection
 * ceiling that slow clients cannot fill, the head, body and keep-alive
 * timeouts, and clients that leave mid-request.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { countReports, logsAtLeast, postReport, startTestCollector } from '../helpers/collector-server.ts';

const report = (uptime: number) => JSON.stringify({ id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', uptime, components: [{ type: 'input', name: 'generate' }] });

/** A raw connection that has sent `text` and nothing more; resolves once connected. */
function openRaw(port: number, text: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      resolve({ socket, closed });
    });
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

const HEAD_START = 'POST /connect/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\n';

describe('the collector’s connection limits', { timeout: 20_000 }, () => {
  it('keeps serving real senders while connections that never finish a request fill the ceiling', async (t) => {
    const { collector, url, storage } = await startTestCollector(t, { limits: { maxConnections: 20 } });
    const slow = await Promise.all(Array.from({ length: 40 }, () => openRaw(collector.port, HEAD_START)));
    t.after(() => slow.forEach(({ socket }) => socket.destroy()));
    for (let i = 0; i < 10; i++) assert.equal((await postReport(url, report(i))).status, 204);
    assert.equal(await countReports(storage), 10);
    // Every slow connection beyond the ceiling, and one per real connection, made room.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stillOpen = slow.filter(({ socket }) => !socket.closed).length;
    assert.ok(stillOpen <= 20, `${stillOpen} of 40 slow connections are still open (ceiling 20)`);
  });

  it('closes a connection whose head has not arrived within the header timeout, with 408', async (t) => {
    const { collector, storage } = await startTestCollector(t, { limits: { headerTimeoutMs: 300, bodyTimeoutMs: 600 } });
    const { closed } = await openRaw(collector.port, HEAD_START);
    assert.match(await closed, /^HTTP\/1\.1 408/);
    assert.equal(await countReports(storage), 0);
  });

  it('closes a connection whose body has not arrived within the body timeout', async (t) => {
    const { collector, storage } = await startTestCollector(t, { limits: { headerTimeoutMs: 300, bodyTimeoutMs: 600 } });
    const body = report(1);
    const { closed } = await openRaw(collector.port, `${HEAD_START}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    const answer = await closed;
    assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
    assert.equal(await countReports(storage), 0);
  });

  it('closes a keep-alive connection left idle past the keep-alive timeout', async (t) => {
    const { collector } = await startTestCollector(t, { limits: { keepAliveTimeoutMs: 200 } });
    const { socket, closed } = await openRaw(collector.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.match(await closed, /^HTTP\/1\.1 200/);
    assert.ok(socket.destroyed);
  });

  it('logs a client that leaves mid-report at debug level, without a stack', async (t) => {
    const { collector, logs, storage } = await startTestCollector(t);
    const { socket, closed } = await openRaw(collector.port, `${HEAD_START}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const gone = logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => /went away|connection closed/.test(String(line['msg'])));
    assert.ok(gone.length > 0, logs.join('\n'));
    assert.ok(gone.every((line) => line['level'] === 20 && !JSON.stringify(line).includes('stack')), JSON.stringify(gone));
    assert.deepEqual(logsAtLeast(logs, 50), []);
    assert.equal(await countReports(storage), 0);
  });
});
