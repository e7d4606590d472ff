/**
 * The lock's file names and its content. Pure: names and text in, values out.
 *
 * The lock of a state directory is the file `state.lock.<generation>` with
 * the highest generation there. Taking over a stale lock means creating the
 * next generation's file, which only one process can do (it is created with a
 * hard link, atomically and whole), so two starters can never both take over
 * the same stale lock. `state.lock`, as earlier versions named it, counts as
 * generation 0.
 */
import { isObject } from '../../lib/is-object.ts';

export const LOCK_FILE_NAME = 'state.lock';
const LOCK_NAME = /^state\.lock(?:\.([1-9]\d{0,15}))?$/;
/** A lock being created: written here first, then linked to its generation's name. */
export const LOCK_TEMP_PREFIX = 'state.lock.tmp-';

/** The generation a lock file's name stands for, or undefined for any other name. */
export function lockGeneration(name: string): number | undefined {
  const match = LOCK_NAME.exec(name);
  return match ? Number(match[1] ?? 0) : undefined;
}

export const lockFileName = (generation: number): string => (generation === 0 ? LOCK_FILE_NAME : `${LOCK_FILE_NAME}.${generation}`);

/** The lock files among a directory's names, highest generation first. */
export function lockFilesIn(names: readonly string[]): { name: string; generation: number }[] {
  const found: { name: string; generation: number }[] = [];
  for (const name of names) {
    const generation = lockGeneration(name);
    if (generation !== undefined) found.push({ name, generation });
  }
  return found.sort((a, b) => b.generation - a.generation);
}

/** What a lock file holds. */
export interface LockRecord {
  /** The holder's process ID, in its own PID namespace. */
  pid: number;
  /** The holder's host name. */
  host: string;
  /** When the holder took the lock, ms since the epoch. */
  since: number;
  /** A random value made for this one lock: the holder knows its own lock by it. */
  token: string;
  /** What the holder tells `status` about itself (see daemon-record.ts); not read by the lock. */
  daemon?: unknown;
}

export function serialiseLockRecord(record: LockRecord): string {
  const { daemon, ...core } = record;
  return `${JSON.stringify({ version: 1, ...core, since: new Date(core.since).toISOString(), ...(daemon === undefined ? {} : { daemon }) }, null, 2)}\n`;
}

/** The record, or undefined for text that is not a lock this program wrote. */
export function parseLockRecord(text: string): LockRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  const { pid, host, since, token, daemon } = json;
  const sinceMs = typeof since === 'string' ? Date.parse(since) : Number.NaN;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string' || !Number.isFinite(sinceMs)) return undefined;
  // Locks of earlier versions carry no token: one that is stale is taken over all the same.
  return { pid: pid as number, host, since: sinceMs, token: typeof token === 'string' ? token : '', ...(daemon === undefined ? {} : { daemon }) };
}
