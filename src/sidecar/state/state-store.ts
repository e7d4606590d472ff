/**
 * The identity file on disk: an atomic, 0600 state file in a 0700 directory,
 * loaded (or created) once the directory's lock is held, so two daemons never
 * share one identity. Failures to write never stop the daemon: it carries on
 * with the identity in memory.
 */
import { join } from 'node:path';
import * as nodeFs from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { Clock } from '../../lib/clock.ts';
import { errorCode, errorMessage } from '../../lib/errors.ts';
import { newState, parseState, serialiseState, STATE_FILE_NAME, type State } from './state.ts';
import { StateLock, type LockFs } from './state-lock.ts';

export { LOCK_FILE_NAME, LOCK_HEARTBEAT_MS } from './state-lock.ts';

/** The filesystem calls the store and its lock make; tests pass a faulty one (ENOSPC, EROFS). */
export interface StateFs extends LockFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  writeFileAtomic(path: string, data: string, options: { mode: number; fsync: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
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
  clock: Clock;
  randomId: () => string;
  /** Tells whether a process of this host is alive (process.kill(pid, 0)). */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  host?: string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
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
  private lock: StateLock | undefined;

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
    const store = new StateStore(dir, newState(deps.randomId(), deps.clock.now()), true, deps);
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
    const locked = await StateLock.acquire(dir, deps);
    if (!(locked instanceof StateLock)) {
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
    store.lock = locked;
    await store.removeTempFiles();
    await store.load();
    return store;
  }

  private goInMemory(reason: string): void {
    this.persistent = false;
    this.deps.warn(`${reason}; running with an in-memory instance ID that will not survive a restart`, { stateDir: this.dir });
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
    const aside = `${path}.corrupt-${new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
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
    await this.lock?.release();
  }
}
