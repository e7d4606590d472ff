/**
 * The state directory's lock: one daemon per identity. The holder's PID and
 * host are written to `state.lock` when it is created, the lock is touched on
 * a heartbeat so a lock left by a dead host can be recognised, and it is
 * removed on release. Timers go through the injected clock.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CancelTimer, Clock } from '../../lib/clock.ts';
import { UserError, errorCode, errorMessage } from '../../lib/errors.ts';

export const LOCK_FILE_NAME = 'state.lock';
/** The holder touches the lock this often, so a lock left by a dead host can be recognised. */
export const LOCK_HEARTBEAT_MS = 60_000;
const LOCK_STALE_MS = 3 * LOCK_HEARTBEAT_MS;

/** The filesystem calls the lock makes. */
export interface LockFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFileExclusive(path: string, data: string): Promise<void>;
  unlink(path: string): Promise<void>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
  stat(path: string): Promise<{ mtimeMs: number }>;
}

export interface LockDeps {
  fs: LockFs;
  clock: Clock;
  /** Tells whether a process of this host is alive (process.kill(pid, 0)). */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  host?: string;
}

/** Why a directory cannot take a lock at all (a read-only or full disk): not another daemon. */
export interface LockUnavailable {
  code: string | undefined;
  message: string;
}

interface LockInfo {
  pid: number;
  host: string;
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export class StateLock {
  private readonly path: string;
  private readonly deps: LockDeps;
  private cancelHeartbeat: CancelTimer | undefined;
  private held = true;

  private constructor(path: string, deps: LockDeps) {
    this.path = path;
    this.deps = deps;
  }

  /**
   * Takes the lock of `dir`, taking over one left by a process that is gone.
   * Throws a UserError (exit code 3) when another daemon holds it.
   */
  static async acquire(dir: string, deps: LockDeps): Promise<StateLock | LockUnavailable> {
    const lockPath = join(dir, LOCK_FILE_NAME);
    const pid = deps.pid ?? process.pid;
    const host = deps.host ?? hostname();
    const mine = JSON.stringify({ pid, host, since: new Date(deps.clock.now()).toISOString() });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await deps.fs.writeFileExclusive(lockPath, mine);
        const lock = new StateLock(lockPath, deps);
        lock.beat();
        return lock;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') return { code: errorCode(error), message: errorMessage(error) };
      }
      const holder = await readLock(lockPath, deps.fs);
      if (holder && !(await isStale(lockPath, holder, { ...deps, pid, host }))) {
        throw new UserError(
          `another connect-telemetry (pid ${holder.pid} on ${holder.host}) is using the state directory ${dir}; ` +
            'give each daemon its own --state-dir',
          { exitCode: 3 },
        );
      }
      // A lock left by a process that is gone: take it over.
      await deps.fs.unlink(lockPath).catch(() => undefined);
    }
    throw new UserError(`could not lock the state directory ${dir}: another process keeps taking the lock`, { exitCode: 3 });
  }

  private beat(): void {
    this.cancelHeartbeat = this.deps.clock.after(LOCK_HEARTBEAT_MS, () => {
      const now = new Date(this.deps.clock.now());
      this.deps.fs.utimes(this.path, now, now).catch(() => undefined);
      if (this.held) this.beat();
    });
  }

  async release(): Promise<void> {
    this.cancelHeartbeat?.();
    if (!this.held) return;
    this.held = false;
    await this.deps.fs.unlink(this.path).catch(() => undefined);
  }
}

async function readLock(lockPath: string, fs: LockFs): Promise<LockInfo | undefined> {
  try {
    const json = JSON.parse(await fs.readFile(lockPath, 'utf8')) as Partial<LockInfo>;
    return typeof json.pid === 'number' && typeof json.host === 'string' ? { pid: json.pid, host: json.host } : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

async function isStale(lockPath: string, holder: LockInfo, deps: LockDeps & { pid: number; host: string }): Promise<boolean> {
  if (holder.host === deps.host) {
    // Same host: the holder is gone, or it is our own PID from a previous
    // life (a restarted container is PID 1 again).
    return holder.pid === deps.pid || !(deps.isAlive ?? defaultIsAlive)(holder.pid);
  }
  try {
    const { mtimeMs } = await deps.fs.stat(lockPath);
    return deps.clock.now() - mtimeMs > LOCK_STALE_MS;
  } catch {
    return true;
  }
}
