/**
 * The identity file on disk: `state.json`, 0600, in a 0700 directory, loaded
 * (or created) once the directory's lock is held, so two daemons never share
 * one identity. Nothing outside the state directory is read or written: a
 * `state.json` that is a symbolic link (or a directory, a FIFO…) is set aside
 * like a corrupt file, and the modes of an existing file and directory are
 * fixed at start. Failures to write never stop the daemon: it carries on
 * with the identity in memory. Once the lock is lost to another daemon,
 * nothing more is written.
 */
import { join } from 'node:path';
import type { Clock } from '../../lib/clock.ts';
import { errorCode, errorMessage } from '../../lib/errors.ts';
import type { ProcessKind } from './lock-holder.ts';
import { realStateFs, type StateFs } from './state-fs.ts';
import { StateLock } from './state-lock.ts';
import { newState, parseState, serialiseState, STATE_FILE_NAME, type State } from './state.ts';

export { LOCK_FILE_NAME, LOCK_HEARTBEAT_MS } from './state-lock.ts';
export { realStateFs, type StateFs } from './state-fs.ts';

/** The temporary names write-file-atomic gives `state.json` while it writes it: `state.json.<number>`. */
const TEMP_STATE_FILE = /^state\.json\.\d+$/;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface StoreDeps {
  fs?: StateFs;
  clock: Clock;
  randomId: () => string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
  /** Told once if another daemon takes the lock while this one runs. */
  onLockLost?: (holder: string) => void;
  /** For tests: this process's PID and host, and how another PID is looked up. */
  pid?: number;
  host?: string;
  inspect?: (pid: number) => Promise<ProcessKind>;
}

const cannotWrite = (error: unknown) => ['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '');

/** Why a state file is set aside rather than read, by the code reading it failed with. */
const SET_ASIDE: Readonly<Record<string, string>> = {
  ELOOP: 'is a symbolic link, which is never followed out of the state directory',
  EISDIR: 'is a directory, not a state file',
  ENOTREGULAR: 'is not a regular file',
  EFBIG: 'is far too large to be a state file',
};

/** Reads the state without locking or writing (and without following a symbolic link), for --dry-run and status. */
export async function peekState(dir: string, fs: Pick<StateFs, 'readStateFile'> = realStateFs): Promise<{ state?: State; reason: string }> {
  let text: string;
  try {
    // Its mode is left as it is: a reader changes nothing.
    text = await fs.readStateFile(join(dir, STATE_FILE_NAME));
  } catch (error) {
    const code = errorCode(error) ?? '';
    if (code === 'ENOENT') return { reason: `no state in ${dir}` };
    const aside = SET_ASIDE[code];
    return { reason: aside ? `${join(dir, STATE_FILE_NAME)} ${aside}; the daemon will set it aside` : `cannot read the state in ${dir}: ${errorMessage(error)}` };
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

  private constructor(dir: string, state: State, deps: StoreDeps & { fs: StateFs }) {
    this.dir = dir;
    this.state = state;
    this.persistent = true;
    this.deps = deps;
  }

  get statePath(): string {
    return join(this.dir, STATE_FILE_NAME);
  }

  /** True once another daemon has taken the lock: this one must stop reporting. */
  get lockLost(): boolean {
    return this.lock?.lost ?? false;
  }

  /** Locks the directory and loads (or creates) the identity. */
  static async open(dir: string, storeDeps: StoreDeps): Promise<StateStore> {
    const deps = { ...storeDeps, fs: storeDeps.fs ?? realStateFs };
    const store = new StateStore(dir, newState(deps.randomId(), deps.clock.now()), deps);
    try {
      await deps.fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    } catch (error) {
      store.goInMemory(`cannot create the state directory ${dir}: ${errorMessage(error)}`);
      return store;
    }
    // mkdir's mode applies only to a directory it creates; one that existed
    // (a mounted volume, a directory made by hand) is tightened too, where
    // this user may. The file's mode is fixed as it is read.
    await deps.fs.chmod(dir, DIR_MODE).catch(() => undefined);
    const locked = await StateLock.acquire(dir, { ...deps, ...(deps.onLockLost ? { onLost: deps.onLockLost } : {}) });
    if (!(locked instanceof StateLock)) {
      await store.withoutLock(locked.code, locked.message);
      return store;
    }
    store.lock = locked;
    await store.removeTempFiles();
    await store.load();
    return store;
  }

  /** A directory that cannot hold a lock: a read-only volume's identity is used as it is; otherwise a fresh one in memory. */
  private async withoutLock(code: string | undefined, message: string): Promise<void> {
    if (code === 'EROFS' && (await this.loadReadOnly())) {
      // A read-only volume cannot be shared by a writer: its identity is
      // this instance's, and it is used as it is.
      this.persistent = false;
      this.deps.warn(
        `the state directory ${this.dir} is read-only (${message}); using the instance ID stored there, in memory: report times will not be saved`,
        { stateDir: this.dir },
      );
      return;
    }
    this.goInMemory(`cannot lock the state directory ${this.dir}: ${message}`);
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
    const names = await this.deps.fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (TEMP_STATE_FILE.test(name)) await this.deps.fs.unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private async load(): Promise<void> {
    const path = this.statePath;
    let text: string | undefined;
    try {
      text = await this.deps.fs.readStateFile(path, FILE_MODE);
    } catch (error) {
      const code = errorCode(error) ?? '';
      const aside = SET_ASIDE[code];
      if (aside) {
        await this.setAside(`${path} ${aside}`);
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
      await this.setAside(`the state file ${path} is unusable (${parsed.reason})`);
    }
    await this.save(this.state);
  }

  /** Takes the identity from a state file that cannot be written; touches nothing. */
  private async loadReadOnly(): Promise<boolean> {
    const peeked = await peekState(this.dir, this.deps.fs);
    if (peeked.state) this.state = peeked.state;
    return peeked.state !== undefined;
  }

  /** Keeps a bad state file (or whatever stands in its place) for inspection instead of deleting it. */
  private async setAside(reason: string): Promise<void> {
    const path = this.statePath;
    const aside = `${path}.corrupt-${new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      // rename moves a symbolic link itself, never what it points to.
      await this.deps.fs.rename(path, aside);
      this.deps.warn(`${reason}; moved it to ${aside} and created a fresh instance ID`, { stateDir: this.dir });
    } catch (error) {
      this.deps.warn(`${reason}; could not move it aside (${errorMessage(error)}); created a fresh instance ID`, { stateDir: this.dir });
    }
  }

  /**
   * write-file-atomic resolves a symbolic link and replaces its target. Put
   * in place while the daemon runs, such a link is set aside before writing.
   */
  private async guardAgainstLink(): Promise<void> {
    const info = await this.deps.fs.lstat(this.statePath).catch(() => undefined);
    if (info && !info.isFile()) await this.setAside(`${this.statePath} was replaced by something that is not a regular file`);
  }

  /** Writes the state atomically; on failure carries on in memory. */
  async save(state: State): Promise<boolean> {
    this.state = state;
    if (!this.persistent || this.lockLost) return false;
    try {
      await this.guardAgainstLink();
      await this.deps.fs.writeFileAtomic(this.statePath, serialiseState(state), { mode: FILE_MODE, fsync: true });
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

  /** Records what `status` shows about this daemon in its lock; nothing without a lock. */
  async describe(daemon: unknown): Promise<void> {
    await this.lock?.describe(daemon);
  }

  async close(): Promise<void> {
    await this.lock?.release();
  }
}
