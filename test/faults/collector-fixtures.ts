/**
 * The collector as the hostile-client suite drives it: the built binary's
 * `collect` in a child process (optionally under a file-descriptor limit),
 * a load of real reports against one or more collectors, and readings of a
 * child's memory and open sockets from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { BIN, ROOT } from './helpers.ts';

export interface RunningCollect {
  child: ChildProcess;
  url: string;
  base: string;
  logs: Record<string, unknown>[];
  alive(): boolean;
  /** SIGTERM, then the exit code; SIGKILL (and null) if it has not exited within 20 s. */
  stop(): Promise<number | null>;
}

/** Starts `collect` on a free port; with `fdLimit`, under `ulimit -n` of that many. */
export function startCollect(args: string[], options: { fdLimit?: number } = {}): Promise<RunningCollect> {
  const node = [process.execPath, BIN, 'collect', '--listen', '127.0.0.1:0', ...args];
  const quoted = node.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const child = options.fdLimit === undefined
    ? spawn(node[0] as string, node.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'], HOME: process.env['HOME'] } })
    : spawn('/bin/sh', ['-c', `ulimit -n ${options.fdLimit} && exec ${quoted}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'], HOME: process.env['HOME'] } });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  process.on('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          logs.push(parsed);
          if (typeof parsed['port'] === 'number') {
            const base = `http://127.0.0.1:${parsed['port']}`;
            resolve({
              child,
              base,
              url: `${base}/connect/telemetry`,
              logs,
              alive: () => child.exitCode === null && child.signalCode === null,
              stop: async () => {
                if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
                const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
                const code = await exited;
                clearTimeout(timer);
                return code;
              },
            });
          }
        } catch {
          logs.push({ text: line });
        }
      }
    });
    void exited.then((code) => reject(new Error(`collect exited with ${code} before listening: ${JSON.stringify(logs)}`)));
  });
}

/** A report from a made-up instance, with catalogue names only. */
export const reportBody = (id: string = randomUUID(), components: { type: string; name: string }[] = [{ type: 'input', name: 'kafka' }, { type: 'processor', name: 'mapping' }, { type: 'output', name: 'aws_s3' }]) =>
  JSON.stringify({ id, uptime: 3600, components, hostInfo: { numCpu: 4, goMaxProcs: 4, goArch: 'amd64', goOS: 'linux' } });

export interface Answer {
  at: number;
  target: number;
  status: number | 'network error';
  retryAfter: string | null;
}

export interface Load {
  answers: Answer[];
  /** Instance IDs (one report each) answered 204. */
  acknowledged: string[];
  stop(): Promise<void>;
}

/** `workers` senders posting fresh reports in turn to each URL until stopped; after a failure a sender waits `pauseMs`. */
export function startLoad(urls: readonly string[], workers: number, pauseMs = 50): Load {
  const answers: Answer[] = [];
  const acknowledged: string[] = [];
  let stopping = false;
  let turn = 0;
  const worker = async () => {
    while (!stopping) {
      const target = turn++ % urls.length;
      const id = randomUUID();
      let answer: Answer;
      try {
        const response = await fetch(urls[target] as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: reportBody(id), signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        answer = { at: Date.now(), target, status: response.status, retryAfter: response.headers.get('retry-after') };
      } catch {
        answer = { at: Date.now(), target, status: 'network error', retryAfter: null };
      }
      answers.push(answer);
      if (answer.status === 204) acknowledged.push(id);
      else await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const running = Array.from({ length: workers }, worker);
  return {
    answers,
    acknowledged,
    async stop() {
      stopping = true;
      await Promise.all(running);
    },
  };
}

/** A process's resident memory now and at its peak, in MiB (Linux). */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/** Sockets a process holds open (Linux). */
export function socketsOf(pid: number): number {
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed while we looked
    }
  }
  return sockets;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it holds; resolves with the time it took, or rejects after `limitMs`. */
export async function within(limitMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}
