/**
 * Network faults against the running daemon, with servers on 127.0.0.1
 * written with node:net, node:http and node:https: refused, reset, silent,
 * trickling, huge bodies, redirects, untrusted TLS and DNS failure. In each
 * the daemon stays up and on schedule, never has more than one connection
 * open to the server, and its memory stays flat.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { killAllBinaries, startBinary, type Running } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { alive, countingServer, FAILED, GOOD_A, mb, memoryOf, requestHead, runArgs, SENT, sleep, waitUntil, type CountingServer } from './daemon-helpers.ts';
import { tempDir } from './helpers.ts';

/** Generous: the daemon idles at about 70–90 MB; a buffered 500 MB body would blow far past this. */
const RSS_GROWTH_BOUND_KB = 60 * 1024;
const OUTCOMES = 4;
/** Period 300 ms, timeout 500 ms, up to 4 attempts: a gap of many seconds between outcomes means the schedule stalled. */
const MAX_GAP_MS = 8_000;

interface Figure {
  scenario: string;
  outcomes: string;
  maxOpen: number | string;
  rssBeforeKb: number;
  rssAfterKb: number;
  note?: string;
}
const figures: Figure[] = [];
const servers: { close(): Promise<void> }[] = [];

after(async () => {
  killAllBinaries();
  await Promise.all(servers.map((s) => s.close()));
  process.stdout.write(
    `# daemon network figures (scenario | outcomes | max connections open at once | VmRSS first outcome → last)\n${figures
      .map((f) => `#   ${f.scenario} | ${f.outcomes} | ${f.maxOpen} | ${mb(f.rssBeforeKb)} → ${mb(f.rssAfterKb)} MB${f.note ? ` | ${f.note}` : ''}`)
      .join('\n')}\n`,
  );
});

const isOutcome = (l: Record<string, unknown>) => l['msg'] === SENT || l['msg'] === FAILED;

interface Exercise {
  daemon: Running;
  outcomes: Record<string, unknown>[];
}

/**
 * Runs the daemon against `endpoint` until it has logged OUTCOMES report
 * outcomes, checking it stays up, on schedule, with flat memory and (when a
 * server is given) never more than one connection open at once.
 */
async function exercise(
  t: { after: (fn: () => void) => void },
  scenario: string,
  endpoint: string,
  options: { extra?: string[]; server?: CountingServer; expect: 'sent' | 'failed' | 'any'; error?: RegExp; note?: () => string; outcomes?: number },
): Promise<Exercise> {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yaml'), GOOD_A);
  const wanted = options.outcomes ?? OUTCOMES;
  const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), endpoint, options.extra ?? []));
  await waitUntil(() => daemon.logs.some(isOutcome) || !alive(daemon), `${scenario}: a first report outcome`);
  assert.ok(alive(daemon), `${scenario}: up after the first report; stderr: ${daemon.stderr().slice(0, 2000)}`);
  const pid = daemon.child.pid!;
  const rssBeforeKb = memoryOf(pid).rssKb;
  await waitUntil(() => daemon.logs.filter(isOutcome).length >= wanted || !alive(daemon), `${scenario}: ${wanted} report outcomes`, 60_000);
  assert.ok(alive(daemon), `${scenario}: still up; stderr: ${daemon.stderr().slice(-2000)}`);
  const rssAfterKb = memoryOf(pid).rssKb;
  const outcomes = daemon.logs.filter(isOutcome);
  const times = outcomes.map((l) => Date.parse(String(l['time'])));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! < MAX_GAP_MS, `${scenario}: ${times[i]! - times[i - 1]!} ms between reports`);
  const sent = outcomes.filter((l) => l['msg'] === SENT).length;
  figures.push({
    scenario,
    outcomes: `${sent} sent, ${outcomes.length - sent} failed`,
    maxOpen: options.server ? options.server.maxOpen : 'no server',
    rssBeforeKb,
    rssAfterKb,
    ...(options.note ? { note: options.note() } : {}),
  });
  if (options.expect === 'sent') assert.equal(sent, outcomes.length, `${scenario}: every report sent: ${JSON.stringify(outcomes.slice(0, 2))}`);
  if (options.expect === 'failed') assert.equal(sent, 0, `${scenario}: no report counts as sent`);
  if (options.error) {
    for (const line of outcomes.filter((l) => l['msg'] === FAILED)) assert.match(String(line['error']), options.error, scenario);
    assert.ok(outcomes.some((l) => l['msg'] === FAILED), `${scenario}: a failure was logged`);
  }
  if (options.server) assert.ok(options.server.maxOpen <= 1, `${scenario}: ${options.server.maxOpen} connections open at once`);
  assert.ok(rssAfterKb - rssBeforeKb < RSS_GROWTH_BOUND_KB, `${scenario}: RSS ${mb(rssBeforeKb)} → ${mb(rssAfterKb)} MB`);
  const stopped = await daemon.stop();
  assert.equal(stopped.code, 0, `${scenario}: exits 0 on SIGTERM`);
  return { daemon, outcomes };
}

async function raw(onConnection: (socket: Socket) => void): Promise<CountingServer> {
  const server = await countingServer(onConnection);
  servers.push(server);
  return server;
}

async function stub(...args: Parameters<typeof startStub>): Promise<{ stub: Stub; counter: CountingServer }> {
  const s = await startStub(...args);
  const counter = await countingServer(undefined, s.server);
  servers.push(s);
  return { stub: s, counter };
}

/** A CA, a server certificate it signed for 127.0.0.1, one for another name, and a second, unrelated CA. */
function makeCertificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ca = (name: string) => ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  const leaf = (name: string, issuer: string, san: string) => {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  ca('test-ca');
  ca('other-ca');
  leaf('server', 'test-ca', 'IP:127.0.0.1');
  leaf('wrong-name', 'test-ca', 'DNS:collector.example');
  leaf('other-server', 'other-ca', 'IP:127.0.0.1');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { caFile: join(dir, 'test-ca.pem'), otherCaFile: join(dir, 'other-ca.pem'), pair: (name: string) => ({ key: read(`${name}.key`), cert: read(`${name}.pem`) }) };
}

async function httpsStub(pair: { key: string; cert: string }) {
  const received: string[] = [];
  const server = createHttpsServer(pair, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  server.on('tlsClientError', () => undefined);
  const counter = await countingServer(undefined, server);
  servers.push(counter);
  return { counter, received, url: `https://127.0.0.1:${counter.port}/connect/telemetry` };
}

describe('network faults against the running daemon', () => {
  it('connection refused', async (t) => {
    const closed = await raw(() => undefined);
    const url = closed.url();
    await closed.close();
    await exercise(t, 'connection refused', url, { expect: 'failed', error: /refused/ });
  });

  it('connection reset before the response head', async (t) => {
    const server = await raw((socket) => {
      void requestHead(socket).then(() => socket.resetAndDestroy());
    });
    await exercise(t, 'reset before the response head', server.url(), { server, expect: 'failed', error: /reset|socket hang up/ });
  });

  it('connection reset in the middle of the response body', async (t) => {
    const server = await raw((socket) => {
      void requestHead(socket).then(() => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial body');
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    // The status came back before the reset: the report counts as delivered; what matters is that nothing breaks.
    await exercise(t, 'reset mid-body (after a 200 head)', server.url(), { server, expect: 'any' });
  });

  it('a server that accepts and never answers', async (t) => {
    const server = await raw((socket) => socket.resume());
    await exercise(t, 'accepts, never answers', server.url(), { server, expect: 'failed', error: /no answer from .* within 500 ms/ });
  });

  it('a server that trickles its response head one byte a second', async (t) => {
    const server = await raw((socket) => {
      void requestHead(socket).then(() => {
        const response = Buffer.from('HTTP/1.1 204 No Content\r\nX-Slow: 1\r\n\r\n');
        let at = 0;
        const timer = setInterval(() => {
          if (at >= response.length || socket.destroyed) return clearInterval(timer);
          socket.write(response.subarray(at, ++at));
        }, 1000);
        socket.on('close', () => clearInterval(timer));
      });
    });
    await exercise(t, 'trickles the head, 1 byte/s', server.url(), { server, expect: 'failed', error: /no answer .* within 500 ms/ });
  });

  it('a server that sends a 200 head and trickles the body one byte a second', async (t) => {
    const server = await raw((socket) => {
      void requestHead(socket).then(() => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3600\r\n\r\n');
        const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('x')), 1000);
        socket.on('close', () => clearInterval(timer));
      });
    });
    await exercise(t, '200 head, body trickled 1 byte/s', server.url(), { server, expect: 'sent' });
  });

  for (const status of [200, 500]) {
    it(`a ${status} with a 500 MB body is never buffered`, async (t) => {
      const TOTAL = 500 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 'z');
      let maxWritten = 0;
      const server = await raw((socket) => {
        void requestHead(socket).then(() => {
          let written = 0;
          socket.write(`HTTP/1.1 ${status} Whatever\r\nContent-Type: application/octet-stream\r\nContent-Length: ${TOTAL}\r\n\r\n`);
          const pump = () => {
            while (written < TOTAL && !socket.destroyed) {
              written += chunk.length;
              maxWritten = Math.max(maxWritten, written);
              if (!socket.write(chunk)) return void socket.once('drain', pump);
            }
            socket.end();
          };
          pump();
        });
      });
      await exercise(t, `${status} with a 500 MB body`, server.url(), {
        server,
        expect: status === 200 ? 'sent' : 'failed',
        ...(status === 500 ? { error: /HTTP 500/ } : {}),
        note: () => `the server wrote at most ${mb(maxWritten / 1024)} MB on one connection before it was closed`,
      });
      assert.ok(maxWritten < TOTAL, 'the daemon never read the whole body');
    });
  }

  it('a same-origin 307 is followed; the body arrives at the new path', async (t) => {
    const { stub: server, counter } = await stub((req, res) => {
      if (req.url === '/connect/telemetry') res.writeHead(307, { location: '/v2/telemetry' }).end();
      else res.writeHead(204).end();
    });
    await exercise(t, 'same-origin 307', server.url, { server: counter, expect: 'sent' });
    const first = server.received.filter((r) => r.url === '/connect/telemetry');
    const moved = server.received.filter((r) => r.url === '/v2/telemetry');
    assert.ok(moved.length >= OUTCOMES, `followed: ${moved.length}`);
    assert.equal(first.length, moved.length, 'one redirect per report');
    assert.ok(moved.every((r, i) => r.body === first[i]!.body && r.method === 'POST'), 'the same body and method after the redirect');
  });

  it('a same-origin redirect loop ends after a few hops', async (t) => {
    const { stub: server, counter } = await stub((_req, res) => res.writeHead(307, { location: '/connect/telemetry' }).end());
    const { outcomes } = await exercise(t, 'same-origin 307 loop', server.url, { server: counter, expect: 'failed', error: /redirect/ });
    assert.ok(server.received.length <= (outcomes.length + 1) * 4, `${server.received.length} requests for ${outcomes.length} reports`);
  });

  for (const status of [301, 302, 307, 308]) {
    it(`a cross-origin ${status} is never followed: the other origin receives nothing`, async (t) => {
      const other = await stub();
      const { stub: server, counter } = await stub((_req, res) => res.writeHead(status, { location: other.stub.url }).end());
      await exercise(t, `cross-origin ${status}`, server.url, { server: counter, expect: 'failed', error: status >= 307 ? /another origin/ : /redirect/ });
      assert.equal(other.stub.received.length, 0, 'nothing reached the other origin');
      assert.equal(other.counter.connections, 0, 'not even a connection');
    });
  }

  describe('TLS', () => {
    const certDir = mkdtempSync(join(tmpdir(), 'ct-tls-'));
    after(() => rmSync(certDir, { recursive: true, force: true }));
    let made: ReturnType<typeof makeCertificates> | undefined;
    const certificates = (_t: unknown) => (made ??= makeCertificates(certDir));

    it('an untrusted certificate fails with a hint to --ca-file, and nothing is sent', async (t) => {
      const c = certificates(t);
      const server = await httpsStub(c.pair('server'));
      await exercise(t, 'https, self-made CA, no --ca-file', server.url, { server: server.counter, expect: 'failed', error: /not trusted .*--ca-file/ });
      assert.equal(server.received.length, 0);
    });

    it('with --ca-file naming the CA, reports go through', async (t) => {
      const c = certificates(t);
      const server = await httpsStub(c.pair('server'));
      await exercise(t, 'https with --ca-file', server.url, { server: server.counter, expect: 'sent', extra: ['--ca-file', c.caFile] });
      assert.ok(server.received.length >= OUTCOMES);
      assert.ok(JSON.parse(server.received[0]!).components.length > 0);
    });

    it('--ca-file adds trust, it does not switch verification off: another CA and a wrong name still fail', async (t) => {
      const c = certificates(t);
      const foreign = await httpsStub(c.pair('other-server'));
      await exercise(t, 'https, cert from another CA, with --ca-file', foreign.url, {
        server: foreign.counter,
        expect: 'failed',
        error: /not trusted/,
        extra: ['--ca-file', c.caFile],
        outcomes: 2,
      });
      const misnamed = await httpsStub(c.pair('wrong-name'));
      await exercise(t, 'https, trusted CA, wrong name', misnamed.url, {
        server: misnamed.counter,
        expect: 'failed',
        error: /ALTNAME|not trusted/,
        extra: ['--ca-file', c.caFile],
        outcomes: 2,
      });
      assert.equal(foreign.received.length + misnamed.received.length, 0);
    });
  });

  it('DNS failure (a name under .invalid)', async (t) => {
    await exercise(t, 'DNS failure', 'https://collector.invalid/connect/telemetry', { expect: 'failed', error: /cannot resolve collector\.invalid|collector\.invalid/ });
  });

  it('SIGTERM during a trickled body still exits promptly', async (t) => {
    const server = await raw((socket) => {
      void requestHead(socket).then(() => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3600\r\n\r\n');
        const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('x')), 1000);
        socket.on('close', () => clearInterval(timer));
      });
    });
    const dir = tempDir(t);
    writeFileSync(join(dir, 'config.yaml'), GOOD_A);
    const daemon = startBinary(runArgs(join(dir, 'config.yaml'), join(dir, 'state'), server.url(), ['--period', '10s', '--timeout', '1h']));
    await waitUntil(() => server.connections > 0, 'a connection');
    await sleep(300);
    const stopped = await daemon.stop();
    assert.equal(stopped.code, 0);
    assert.ok(stopped.ms < 5000, `exit took ${stopped.ms} ms`);
  });
});
