/**
 * Whether a lock's holder still holds it. A lock is stale, and may be taken
 * over, when its holder cannot be running: on this host, its process is gone,
 * a zombie, or some other program (its PID was reused), or it is this
 * process's own PID from a previous life (a restarted container is PID 1
 * again); from any host, it has not been touched by the heartbeat for three
 * heartbeats. A connect-telemetry process on this host counts as the holder
 * only while its lock is fresh.
 */
import { readFile } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { errorCode } from '../../lib/errors.ts';
import type { LockRecord } from './lock-record.ts';

/** The holder touches its lock this often, so a lock left by a dead host can be recognised. */
export const LOCK_HEARTBEAT_MS = 60_000;
/** A lock not touched for this long is stale, whoever holds it. */
export const LOCK_STALE_MS = 3 * LOCK_HEARTBEAT_MS;
/** A lock file that cannot be parsed is taken as one being written until it is this old. */
export const LOCK_WRITE_GRACE_MS = 10_000;

/** What this host's process table says about a PID. */
export type ProcessKind = 'gone' | 'zombie' | 'other-program' | 'connect-telemetry' | 'alive';

export interface HolderContext {
  /** This process's PID and host name. */
  pid: number;
  host: string;
  now: number;
  /** Looks a PID up in this host's process table. */
  inspect: (pid: number) => Promise<ProcessKind>;
}

export type Verdict = { live: true; why: string } | { live: false; why: string };

/** Judges the holder of a lock file whose content parsed to `record` (or did not parse) and which was last touched at `mtimeMs`. */
export async function judgeHolder(record: LockRecord | undefined, mtimeMs: number, context: HolderContext): Promise<Verdict> {
  const age = context.now - mtimeMs;
  if (!record) {
    return age < LOCK_WRITE_GRACE_MS ? { live: true, why: 'a lock is being written' } : { live: false, why: 'the lock file is unreadable' };
  }
  if (age > LOCK_STALE_MS) return { live: false, why: `the lock has not been refreshed for ${Math.round(age / 1000)} s` };
  if (record.host !== context.host) return { live: true, why: `pid ${record.pid} on ${record.host} refreshed it ${Math.max(0, Math.round(age / 1000))} s ago` };
  if (record.pid === context.pid) return { live: false, why: 'it names this process, from a previous life' };
  const kind = await context.inspect(record.pid);
  if (kind === 'connect-telemetry' || kind === 'alive') return { live: true, why: `pid ${record.pid} is running` };
  return { live: false, why: kind === 'gone' ? `pid ${record.pid} is gone` : kind === 'zombie' ? `pid ${record.pid} has exited` : `pid ${record.pid} is another program now` };
}

/** True when a command line runs connect-telemetry: some argument is its bin (`connect-telemetry` or `connect-telemetry.js`). */
export function isConnectTelemetry(cmdline: string): boolean {
  return cmdline.split('\0').some((arg) => /^connect-telemetry(\.js)?$/.test(basename(arg)));
}

/** The process state letter of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
export function processState(stat: string): string | undefined {
  return /\)\s+(\S)/.exec(stat.slice(stat.lastIndexOf(')')))?.[1];
}

/**
 * Looks a PID up in `procDir` (Linux's /proc). Where there is no /proc, a
 * signal 0 tells only whether the PID is in use.
 */
export async function inspectProcess(pid: number, procDir = '/proc'): Promise<ProcessKind> {
  let stat: string;
  try {
    stat = await readFile(join(procDir, String(pid), 'stat'), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ESRCH') return (await procAvailable(procDir)) ? 'gone' : signalZero(pid);
    return 'alive';
  }
  const state = processState(stat);
  if (state === 'Z' || state === 'X' || state === 'x') return 'zombie';
  try {
    const cmdline = await readFile(join(procDir, String(pid), 'cmdline'), 'utf8');
    return isConnectTelemetry(cmdline) ? 'connect-telemetry' : 'other-program';
  } catch {
    return 'alive'; // hidden from this user: in use, by whom is unknown
  }
}

async function procAvailable(procDir: string): Promise<boolean> {
  try {
    await readFile(join(procDir, 'self', 'stat'), 'utf8');
    return true;
  } catch {
    return false;
  }
}

function signalZero(pid: number): ProcessKind {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return errorCode(error) === 'EPERM' ? 'alive' : 'gone';
  }
}
