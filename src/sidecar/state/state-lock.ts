/**
 * The state directory's lock: one daemon per identity.
 *
 * Taking it: the highest-generation lock file is read; a live holder makes
 * this start fail (exit code 3). Otherwise the next generation's file is
 * created whole and atomically (written under a name of its own, then
 * hard-linked into place, which fails if another process got there first),
 * and ownership is confirmed: the lock taken over is still there and no
 * higher generation has appeared. Only then are older lock files removed.
 *
 * Holding it: a heartbeat on the injected clock touches the lock and checks
 * it is still ours; a lock found lost (a higher generation, or our file
 * replaced) is reported through `onLost`, and nothing more is written.
 * Releasing it removes only our own file.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CancelTimer, Clock } from '../../lib/clock.ts';
import { UserError, errorCode, errorMessage } from '../../lib/errors.ts';
import { inspectProcess, judgeHolder, LOCK_HEARTBEAT_MS, type ProcessKind, type Verdict } from './lock-holder.ts';
import { lockFileName, lockFilesIn, LOCK_TEMP_PREFIX, parseLockRecord, serialiseLockRecord, type LockRecord } from './lock-record.ts';

export { LOCK_FILE_NAME } from './lock-record.ts';
export { LOCK_HEARTBEAT_MS } from './lock-holder.ts';

/** The filesystem calls the lock makes. None follows a symbolic link. */
export interface LockFs {
  readdir(path: string): Promise<string[]>;
  /** Reads a file, refusing a symbolic link (ELOOP). */
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  /** Creates a file that must not exist yet, mode 0600, refusing a symbolic link. */
  writeFileExclusive(path: string, data: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  lstat(path: string): Promise<{ mtimeMs: number; isFile(): boolean }>;
  lutimes(path: string, atime: Date, mtime: Date): Promise<void>;
}

export interface LockDeps {
  fs: LockFs;
  clock: Clock;
  /** Looks a PID up in this host's process table (default: /proc). */
  inspect?: (pid: number) => Promise<ProcessKind>;
  pid?: number;
  host?: string;
  /** Told once, when the heartbeat finds the lock taken by another process. */
  onLost?: (holder: string) => void;
}

/** Why a directory cannot take a lock at all (a read-only or full disk): not another daemon. */
export interface LockUnavailable {
  code: string | undefined;
  message: string;
}

/** The current lock of a directory, as anyone may read it. */
export interface LockHolder {
  name: string;
  generation: number;
  record: LockRecord | undefined;
  mtimeMs: number;
}

const MAX_ATTEMPTS = 10;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

const MAX_LOOKS = 5;

/**
 * The highest-generation lock file of `dir`, with its record; undefined when
 * there is none. A file removed while we look (a new holder clears the
 * generations below its own) means the listing is out of date: look again.
 */
export async function readLockHolder(dir: string, fs: Pick<LockFs, 'readdir' | 'readFile' | 'lstat'>): Promise<LockHolder | undefined> {
  for (let look = 0; look < MAX_LOOKS; look++) {
    const file = lockFilesIn(await fs.readdir(dir))[0];
    if (file === undefined) return undefined;
    const holder = await readLockFile(dir, file, fs);
    if (holder !== 'removed') return holder;
  }
  return undefined; // the generations keep changing under us: taking the next one decides, as it is exclusive
}

async function readLockFile(dir: string, file: { name: string; generation: number }, fs: Pick<LockFs, 'readFile' | 'lstat'>): Promise<LockHolder | 'removed'> {
  const path = join(dir, file.name);
  let mtimeMs: number;
  try {
    ({ mtimeMs } = await fs.lstat(path));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'removed';
    throw error;
  }
  // Unreadable for another reason (EIO, a symlink): a lock whose holder cannot be told.
  const text = await fs.readFile(path, 'utf8').catch((error: unknown) => (errorCode(error) === 'ENOENT' ? undefined : ''));
  return text === undefined ? 'removed' : { ...file, record: parseLockRecord(text), mtimeMs };
}

/** Whether the holder of `holder` is running, judged from this process. */
export function judgeLock(holder: LockHolder, deps: Pick<LockDeps, 'clock' | 'inspect' | 'pid' | 'host'>): Promise<Verdict> {
  return judgeHolder(holder.record, holder.mtimeMs, {
    pid: deps.pid ?? process.pid,
    host: deps.host ?? hostname(),
    now: deps.clock.now(),
    inspect: deps.inspect ?? ((pid) => inspectProcess(pid)),
  });
}

export const describeHolder = (record: LockRecord | undefined) => (record ? `pid ${record.pid} on ${record.host}` : 'unknown');

export class StateLock {
  readonly dir: string;
  readonly generation: number;
  private record: LockRecord;
  private readonly deps: LockDeps;
  private cancelHeartbeat: CancelTimer | undefined;
  private writing: Promise<void> = Promise.resolve();
  private released = false;
  /** True once another process has been found holding the lock. */
  lost = false;

  private constructor(dir: string, generation: number, record: LockRecord, deps: LockDeps) {
    this.dir = dir;
    this.generation = generation;
    this.record = record;
    this.deps = deps;
  }

  get path(): string {
    return join(this.dir, lockFileName(this.generation));
  }

  /**
   * Takes the lock of `dir`. Throws a UserError (exit code 3) while another
   * daemon holds it; returns why when the directory cannot hold a lock at all.
   */
  static async acquire(dir: string, deps: LockDeps): Promise<StateLock | LockUnavailable> {
    const record: LockRecord = { pid: deps.pid ?? process.pid, host: deps.host ?? hostname(), since: deps.clock.now(), token: randomUUID() };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let holder: LockHolder | undefined;
      try {
        holder = await readLockHolder(dir, deps.fs);
      } catch (error) {
        return { code: errorCode(error), message: errorMessage(error) };
      }
      if (holder) {
        const verdict = await judgeLock(holder, deps);
        if (verdict.live) throw heldBy(dir, holder.record);
      }
      const generation = (holder?.generation ?? 0) + 1;
      const created = await createGeneration(dir, generation, record, deps.fs);
      if (created !== true) {
        if (created === 'taken') continue;
        return created;
      }
      const lock = new StateLock(dir, generation, record, deps);
      if (await lock.confirm(holder)) {
        await lock.removeOlderFiles();
        lock.beat();
        return lock;
      }
      await deps.fs.unlink(lock.path).catch(() => undefined);
    }
    throw new UserError(`could not lock the state directory ${dir}: other processes keep taking the lock; give each daemon its own --state-dir`, { exitCode: 3 });
  }

  /** Ours only if what we took over is still there, unchanged, and nothing newer has appeared. */
  private async confirm(previous: LockHolder | undefined): Promise<boolean> {
    const fs = this.deps.fs;
    if (previous) {
      const text = await fs.readFile(join(this.dir, previous.name), 'utf8').catch(() => undefined);
      if (text === undefined || parseLockRecord(text)?.token !== previous.record?.token) return false;
    }
    const current = await readLockHolder(this.dir, fs).catch(() => undefined);
    return current?.generation === this.generation && (await this.isOurs());
  }

  private async isOurs(): Promise<boolean> {
    const text = await this.deps.fs.readFile(this.path, 'utf8').catch(() => undefined);
    return text !== undefined && parseLockRecord(text)?.token === this.record.token;
  }

  /** Older generations, and lock temporary files left by killed starts: garbage once the lock is ours. */
  private async removeOlderFiles(): Promise<void> {
    const fs = this.deps.fs;
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const older = lockFilesIn(names).filter((file) => file.generation < this.generation).map((file) => file.name);
    const temporary = names.filter((name) => name.startsWith(LOCK_TEMP_PREFIX));
    for (const name of [...older, ...temporary]) await fs.unlink(join(this.dir, name)).catch(() => undefined);
  }

  private beat(): void {
    this.cancelHeartbeat = this.deps.clock.after(LOCK_HEARTBEAT_MS, () => {
      void this.check().then((held) => {
        if (held && !this.released) this.beat();
      });
    });
  }

  /** One heartbeat: still ours? Then touch it. A read that fails (EIO…) is tried again next time. */
  private async check(): Promise<boolean> {
    const fs = this.deps.fs;
    try {
      const current = await readLockHolder(this.dir, fs);
      if (current?.generation !== this.generation || !(await this.isOurs())) {
        this.lost = true;
        this.deps.onLost?.(current && current.generation !== this.generation ? describeHolder(current.record) : 'unknown');
        return false;
      }
      const now = new Date(this.deps.clock.now());
      await fs.lutimes(this.path, now, now);
    } catch {
      // transient: the next heartbeat looks again
    }
    return true;
  }

  /** Replaces what the lock tells `status` about its holder; writes are queued, the newest wins. */
  describe(daemon: unknown): Promise<void> {
    this.record = { ...this.record, daemon };
    this.writing = this.writing.then(() => this.writeRecord());
    return this.writing;
  }

  private async writeRecord(): Promise<void> {
    if (this.lost || this.released) return;
    const fs = this.deps.fs;
    const temp = join(this.dir, `${LOCK_TEMP_PREFIX}${randomUUID()}`);
    try {
      await fs.writeFileExclusive(temp, serialiseLockRecord(this.record));
      if (this.lost || this.released) return;
      await fs.rename(temp, this.path);
    } catch {
      // what status shows is a courtesy: a full disk must not stop the daemon
    } finally {
      await fs.unlink(temp).catch(() => undefined);
    }
  }

  /** Stops the heartbeat and removes the lock, if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.cancelHeartbeat?.();
    await this.writing;
    if (!this.lost && (await this.isOurs())) await this.deps.fs.unlink(this.path).catch(() => undefined);
  }
}

function heldBy(dir: string, record: LockRecord | undefined): UserError {
  const who = record ? `pid ${record.pid} on ${record.host}` : 'a lock being written';
  return new UserError(`another connect-telemetry (${who}) is using the state directory ${dir}; give each daemon its own --state-dir`, { exitCode: 3 });
}

/**
 * Creates generation `generation` whole: written under a name of its own,
 * then hard-linked to its real name, which fails if that exists. Where hard
 * links are not supported, the file is created in place exclusively.
 */
async function createGeneration(dir: string, generation: number, record: LockRecord, fs: LockFs): Promise<true | 'taken' | LockUnavailable> {
  const path = join(dir, lockFileName(generation));
  const temp = join(dir, `${LOCK_TEMP_PREFIX}${record.token}`);
  const text = serialiseLockRecord(record);
  try {
    await fs.writeFileExclusive(temp, text);
  } catch (error) {
    return { code: errorCode(error), message: errorMessage(error) };
  }
  try {
    await fs.link(temp, path);
    return true;
  } catch (error) {
    const code = errorCode(error);
    // EEXIST: another process made this generation first; ENOENT: our
    // temporary file was cleared by a process that has just taken the lock.
    if (code === 'EEXIST' || code === 'ENOENT') return 'taken';
    if (code !== undefined && NO_HARD_LINKS.has(code)) return createInPlace(path, text, fs);
    return { code, message: errorMessage(error) };
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

async function createInPlace(path: string, text: string, fs: LockFs): Promise<true | 'taken' | LockUnavailable> {
  try {
    await fs.writeFileExclusive(path, text);
    return true;
  } catch (error) {
    return errorCode(error) === 'EEXIST' ? 'taken' : { code: errorCode(error), message: errorMessage(error) };
  }
}
