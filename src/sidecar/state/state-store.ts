/**
 * The state directory on disk: an atomic, 0600 state file in a 0700 directory,
 * guarded by a lock so two daemons never share one identity. Failures to
 * write never stop the daemon: it carries on with the identity in memory.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as nodeFs from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { UserError, errorCode, errorMessage } from '../../lib/errors.ts';
import { newState, parseState, serialiseState, STATE_FILE_NAME, type State } from './state.ts';

export const LOCK_FILE_NAME = 'state.lock';
/** The lock holder touches the lock this often, so a lock left by a dead host can be recognised. */
export const LOCK_HEARTBEAT_MS = 60_000;
const LOCK_STALE_MS = 3 * LOCK_HEARTBEAT_MS;

/** The filesystem calls the store makes; tests pass a faulty one (ENOSPC, EROFS). */
export interface StateFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFileAtomic(path: string, data: string, options: { mode: number; fsync: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  writeFileExclusive(path: string, data: string): Promise<void>;
  unlink(path: string): Promise<void>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
  stat(path: string): Promise<{ mtimeMs: number }>;
  /** Lists a directory; without it, temporary files left by a killed write are not cleaned up. */
  readdir?(path: string): Promise<string[]>;
  /** Sets a mode; without it, a directory that already existed keeps its modes. */
  chmod?(path: string, mode: number): Promise<void>;
}

export const realStateFs: StateFs = {
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  readFile: (path, encoding) => nodeFs.readFile(path, encoding),
  writeFileAtomic: (path, data, options) => writeFileAtomic(path, data, options),
  rename: (from, to) => nodeFs.rename(from, to),
  writeFileExclusive: (path, data) => nodeFs.writeFile(path, data, { flag: 'wx', mode: 0o600 }),
  unlink: (path) => nodeFs.unlink(path),
  utimes: (path, atime, mtime) => nodeFs.utimes(path, atime, mtime),
  stat: (path) => nodeFs.stat(path),
  readdir: (path) => nodeFs.readdir(path),
  chmod: (path, mode) => nodeFs.chmod(path, mode),
};

/** The temporary names write-file-atomic gives `state.json` while it writes it: `state.json.<number>`. */
const TEMP_STATE_FILE = /^state\.json\.\d+$/;

export interface StoreDeps {
  fs?: StateFs;
  now: () => number;
  randomId: () => string;
  /** Tells whether a process of this host is alive (process.kill(pid, 0)). */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  host?: string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
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

const cannotWrite = (error: unknown) =>
  ['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '');

/** Reads the state without locking or writing, for --dry-run and status. */
export async function peekState(dir: string, fs: StateFs = realStateFs): Promise<{ state?: State; reason: string }> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, STATE_FILE_NAME), 'utf8');
  } catch (error) {
    return { reason: errorCode(error) === 'ENOENT' ? `no state in ${dir}` : `cannot read the state in ${dir}: ${errorMessage(error)}` };
  }
  const parsed = parseState(text);
  return parsed.ok ? { state: parsed.state, reason: 'ok' } : { reason: `the state in ${dir} is unusable: ${parsed.reason}` };
}

export class StateStore {
  readonly dir: string;
  /** False when the directory cannot be written: the identity lives in memory only. */
  persistent: boolean;
  state: State;
  private readonly deps: StoreDeps & { fs: StateFs };
  private lockHeld = false;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(dir: string, state: State, persistent: boolean, deps: StoreDeps & { fs: StateFs }) {
    this.dir = dir;
    this.state = state;
    this.persistent = persistent;
    this.deps = deps;
  }

  get statePath(): string {
    return join(this.dir, STATE_FILE_NAME);
  }

  /** Locks the directory and loads (or creates) the identity. */
  static async open(dir: string, storeDeps: StoreDeps): Promise<StateStore> {
    const deps = { ...storeDeps, fs: storeDeps.fs ?? realStateFs };
    const store = new StateStore(dir, newState(deps.randomId(), deps.now()), true, deps);
    try {
      await deps.fs.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      store.goInMemory(`cannot create the state directory ${dir}: ${errorMessage(error)}`);
      return store;
    }
    // mkdir's mode applies only to a directory it creates; one that existed
    // (a mounted volume, a directory made by hand) is tightened too, where
    // this user may. The file itself is 0600 either way.
    await deps.fs.chmod?.(dir, 0o700).catch(() => undefined);
    const locked = await store.acquireLock();
    if (locked !== true) {
      if (locked.code === 'EROFS' && (await store.loadReadOnly())) {
        // A read-only volume cannot be shared by a writer: its identity is
        // this instance's, and it is used as it is.
        store.persistent = false;
        deps.warn(
          `the state directory ${dir} is read-only (${locked.message}); using the instance ID stored there, in memory: report times will not be saved`,
          { stateDir: dir },
        );
      } else {
        store.goInMemory(`cannot lock the state directory ${dir}: ${locked.message}`);
      }
      return store;
    }
    await store.removeTempFiles();
    await store.load();
    return store;
  }

  private goInMemory(reason: string): void {
    this.persistent = false;
    this.deps.warn(`${reason}; running with an in-memory instance ID that will not survive a restart`, { stateDir: this.dir });
  }

  /** True once the lock is ours; the error when the directory cannot take a lock at all. */
  private async acquireLock(): Promise<true | { code: string | undefined; message: string }> {
    const lockPath = join(this.dir, LOCK_FILE_NAME);
    const pid = this.deps.pid ?? process.pid;
    const host = this.deps.host ?? hostname();
    const mine = JSON.stringify({ pid, host, since: new Date(this.deps.now()).toISOString() });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.deps.fs.writeFileExclusive(lockPath, mine);
        this.lockHeld = true;
        this.startHeartbeat(lockPath);
        return true;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') return { code: errorCode(error), message: errorMessage(error) };
      }
      const holder = await this.readLock(lockPath);
      if (holder && !(await this.isStale(lockPath, holder, pid, host))) {
        throw new UserError(
          `another connect-telemetry (pid ${holder.pid} on ${holder.host}) is using the state directory ${this.dir}; ` +
            'give each daemon its own --state-dir',
          { exitCode: 3 },
        );
      }
      // A lock left by a process that is gone: take it over.
      await this.deps.fs.unlink(lockPath).catch(() => undefined);
    }
    throw new UserError(`could not lock the state directory ${this.dir}: another process keeps taking the lock`, { exitCode: 3 });
  }

  private async readLock(lockPath: string): Promise<LockInfo | undefined> {
    try {
      const json = JSON.parse(await this.deps.fs.readFile(lockPath, 'utf8')) as Partial<LockInfo>;
      return typeof json.pid === 'number' && typeof json.host === 'string' ? { pid: json.pid, host: json.host } : undefined;
    } catch {
      return undefined; // unreadable or half-written: treated as stale
    }
  }

  private async isStale(lockPath: string, holder: LockInfo, pid: number, host: string): Promise<boolean> {
    if (holder.host === host) {
      // Same host: the holder is gone, or it is our own PID from a previous
      // life (a restarted container is PID 1 again).
      return holder.pid === pid || !(this.deps.isAlive ?? defaultIsAlive)(holder.pid);
    }
    try {
      const { mtimeMs } = await this.deps.fs.stat(lockPath);
      return this.deps.now() - mtimeMs > LOCK_STALE_MS;
    } catch {
      return true;
    }
  }

  private startHeartbeat(lockPath: string): void {
    this.heartbeat = setInterval(() => {
      const now = new Date(this.deps.now());
      this.deps.fs.utimes(lockPath, now, now).catch(() => undefined);
    }, LOCK_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * A process killed while writing leaves its temporary file behind; with the
   * lock held no write of ours is under way, so any such file is garbage.
   */
  private async removeTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = (await this.deps.fs.readdir?.(this.dir)) ?? [];
    } catch {
      return;
    }
    for (const name of names) {
      if (TEMP_STATE_FILE.test(name)) await this.deps.fs.unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private async load(): Promise<void> {
    const path = this.statePath;
    let text: string | undefined;
    try {
      text = await this.deps.fs.readFile(path, 'utf8');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EISDIR') {
        await this.setAside(path, `${path} is a directory, not a state file`);
      } else if (code !== 'ENOENT') {
        // EIO, EMFILE, EACCES…: the file may be fine and the error may pass.
        // Setting it aside would lose the identity for good, so it is left
        // untouched and this run goes on in memory.
        this.goInMemory(`cannot read ${path} (${errorMessage(error)}); the file is left as it is`);
        return;
      }
    }
    if (text !== undefined) {
      const parsed = parseState(text);
      if (parsed.ok) {
        this.state = parsed.state;
        return;
      }
      await this.setAside(path, `the state file ${path} is unusable (${parsed.reason})`);
    }
    await this.save(this.state);
  }

  /** Takes the identity from a state file that cannot be written; touches nothing. */
  private async loadReadOnly(): Promise<boolean> {
    try {
      const parsed = parseState(await this.deps.fs.readFile(this.statePath, 'utf8'));
      if (parsed.ok) this.state = parsed.state;
      return parsed.ok;
    } catch {
      return false;
    }
  }

  /** Keeps a bad state file for inspection instead of deleting it. */
  private async setAside(path: string, reason: string): Promise<void> {
    const aside = `${path}.corrupt-${new Date(this.deps.now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      await this.deps.fs.rename(path, aside);
      this.deps.warn(`${reason}; moved it to ${aside} and created a fresh instance ID`, { stateDir: this.dir });
    } catch (error) {
      this.deps.warn(`${reason}; could not move it aside (${errorMessage(error)}); created a fresh instance ID`, { stateDir: this.dir });
    }
  }

  /** Writes the state atomically; on failure carries on in memory. */
  async save(state: State): Promise<boolean> {
    this.state = state;
    if (!this.persistent) return false;
    try {
      await this.deps.fs.writeFileAtomic(this.statePath, serialiseState(state), { mode: 0o600, fsync: true });
      return true;
    } catch (error) {
      if (!cannotWrite(error)) {
        this.deps.warn(`cannot write ${this.statePath}: ${errorMessage(error)}; will try again on the next report`, { stateDir: this.dir });
        return false;
      }
      this.goInMemory(`cannot write ${this.statePath}: ${errorMessage(error)}`);
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.lockHeld) {
      this.lockHeld = false;
      await this.deps.fs.unlink(join(this.dir, LOCK_FILE_NAME)).catch(() => undefined);
    }
  }
}
