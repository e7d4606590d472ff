/** Shared helpers for the fault suite: child processes with a time limit and a peak-memory reading. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seededRandom } from '../../src/lib/random.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'connect-telemetry.js');
const RSS_HOOK = join(import.meta.dirname, 'fixtures', 'report-rss.mjs');

/** Generous per-child limit: a hang is a failure, slowness on a noisy machine is not. */
export const CHILD_TIMEOUT_MS = 90_000;

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, in kilobytes (undefined if it died before reporting). */
  maxRssKb: number | undefined;
}

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'ct-faults-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/** Runs the built CLI in a child process, killing it if it outlives the time limit. */
export function runBin(args: readonly string[], options: RunOptions = {}): Promise<ChildResult> {
  const rssDir = mkdtempSync(join(tmpdir(), 'ct-rss-'));
  // A child run as another user must still be able to report.
  if (options.uid !== undefined) chmodSync(rssDir, 0o777);
  const rssFile = join(rssDir, 'rss');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), ...options.env, FAULT_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let maxRssKb: number | undefined;
      try {
        maxRssKb = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        maxRssKb = undefined;
      }
      rmSync(rssDir, { recursive: true, force: true });
      resolvePromise({ code, signal, timedOut, stdout, stderr, maxRssKb });
    });
  });
}

/** Collects output for in-process runs of the CLI. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text: string) => void out.push(text),
    stderr: (text: string) => void err.push(text),
    get out() {
      return out.join('');
    },
    get err() {
      return err.join('');
    },
  };
}

/** Sorted `type/name` strings of a payload's components, for comparing multisets. */
export function componentKeys(payload: { components: { type: string; name: string }[] }): string[] {
  return payload.components.map((c) => `${c.type}/${c.name}`).sort();
}

/** Running as root defeats permission bits; privileges are dropped to this user instead. */
export const NOBODY = 65534;
export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Seeded bytes that are not text: the same for a seed, so a failure can be replayed. */
export function garbage(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}
