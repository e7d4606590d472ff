/**
 * Shared pieces for the daemon side of the fault suite: the built binary run
 * as `run` with short delays, readings of its memory and file descriptors
 * from /proc, servers on 127.0.0.1 that count the connections open at once,
 * and waits that always end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Running } from '../helpers/binary.ts';

/** Heavy runs (`npm run test:faults`) set FAULT_FULL=1 or ask for the full 200-kill crash run. */
export const FULL = process.env['FAULT_FULL'] === '1' || Number(process.env['FAULT_CRASH_KILLS'] ?? 0) >= 200;

export const GOOD_A = 'input:\n  kafka:\n    addresses: [localhost:9092]\n    topics: [t]\noutput:\n  aws_s3:\n    bucket: b\n';
export const GOOD_B = 'input:\n  generate:\n    mapping: root = "hello"\npipeline:\n  processors:\n    - mapping: root = this\noutput:\n  drop: {}\n';
/**
 * What a report carries for GOOD_A and GOOD_B, written out by hand: root
 * fields in Connect's order, with the buffer, metrics and tracer Connect fills
 * in. The same whether the file is a main config or the only stream file.
 */
export const GOOD_A_COMPONENTS = ['input/kafka', 'buffer/none', 'output/aws_s3', 'metrics/prometheus', 'tracer/none'];
export const GOOD_B_COMPONENTS = ['input/generate', 'buffer/none', 'processor/mapping', 'output/drop', 'metrics/prometheus', 'tracer/none'];

export const FAILED = 'report failed; dropped until the next period';
export const SENT = 'report sent';
export const UPDATED = 'config summary updated';

/** Resident memory of a process in kB: now (VmRSS) and its peak so far (VmHWM). */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export const mb = (kb: number) => Math.round(kb / 1024);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; rejects with `label` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, label: string, timeoutMs = 20_000, everyMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await sleep(everyMs);
  }
}

export const countLogs = (daemon: Running, match: (line: Record<string, unknown>) => boolean) => daemon.logs.filter(match).length;
export const byMsg = (msg: string) => (line: Record<string, unknown>) => line['msg'] === msg;

export function alive(daemon: Running): boolean {
  return daemon.child.exitCode === null && daemon.child.signalCode === null;
}

/** `run` arguments with a short schedule; `extra` flags come last and win. */
export function runArgs(config: string | string[], stateDir: string, endpoint: string, extra: string[] = []): string[] {
  const configs = (Array.isArray(config) ? config : [config]).flatMap((c) => ['-c', c]);
  return ['run', ...configs, '--state-dir', stateDir, '--endpoint', endpoint, '--delay', '0ms', '--period', '300ms', '--timeout', '500ms', ...extra];
}

/** Names of a JSON payload's components, `type/name`. */
export const componentNames = (body: string) =>
  (JSON.parse(body) as { components: { type: string; name: string }[] }).components.map((c) => `${c.type}/${c.name}`);

/**
 * A raw TCP server on 127.0.0.1 that counts the connections open at once.
 * Each connection of a raw server is handed to `onConnection`, which must
 * keep reading (`socket.resume()`) so a client's close is seen at once; an
 * HTTP or HTTPS server can be passed in as `listen` to count its connections.
 */
export interface CountingServer {
  server: Server;
  port: number;
  url: (path?: string) => string;
  connections: number;
  open: number;
  maxOpen: number;
  close(): Promise<void>;
}

export async function countingServer(onConnection?: (socket: Socket) => void, listen: Server = createServer()): Promise<CountingServer> {
  const sockets = new Set<Socket>();
  const counting: CountingServer = {
    server: listen,
    port: 0,
    url: (path = '/connect/telemetry') => `http://127.0.0.1:${counting.port}${path}`,
    connections: 0,
    open: 0,
    maxOpen: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        listen.close(() => resolve());
      }),
  };
  listen.on('connection', (socket: Socket) => {
    sockets.add(socket);
    counting.connections++;
    counting.open++;
    counting.maxOpen = Math.max(counting.maxOpen, counting.open);
    socket.on('close', () => {
      counting.open--;
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });
  // A raw server hands each connection over; an HTTP(S) server passed in answers on its own.
  if (onConnection) listen.on('connection', onConnection);
  if (!listen.listening) await new Promise<void>((resolve) => listen.listen(0, '127.0.0.1', resolve));
  counting.port = (listen.address() as AddressInfo).port;
  return counting;
}

/** Reads an HTTP request's head from a raw socket; resolves once the blank line has arrived. */
export function requestHead(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.off('data', onData);
        socket.resume();
        resolve(head.slice(0, end));
      }
    };
    socket.on('data', onData);
  });
}

export const stateFileIn = (dir: string) => join(dir, 'state.json');
