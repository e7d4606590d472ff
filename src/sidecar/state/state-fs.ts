/**
 * The filesystem calls the state store and its lock make, as one injectable
 * object (tests pass a faulty one: ENOSPC, EROFS, EIO), and their real
 * implementations. None follows a symbolic link out of the state directory:
 * files are opened with O_NOFOLLOW, modes are set through the open file, and
 * a state file that is not a regular file is reported as such.
 */
import { constants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { LockFs } from './state-lock.ts';

export interface StateFs extends LockFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  /** Sets a directory's mode (the state directory itself, which the user named). */
  chmod(path: string, mode: number): Promise<void>;
  /**
   * Reads the state file, refusing a symbolic link (ELOOP), a directory
   * (EISDIR), anything else that is not a regular file (ENOTREGULAR) and a
   * file far too large to be state (EFBIG); sets its mode to `mode`, if given, where it differs.
   */
  readStateFile(path: string, mode?: number): Promise<string>;
  /** Replaces a file atomically (temporary file, fsync, rename); follows a symbolic link, so the store checks first. */
  writeFileAtomic(path: string, data: string, options: { mode: number; fsync: boolean }): Promise<void>;
}

/** A state file is a few hundred bytes; anything past this is not one. */
const MAX_STATE_BYTES = 64 * 1024;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_WRONLY, O_CREAT, O_EXCL } = constants;

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

async function readStateFile(path: string, mode?: number): Promise<string> {
  // O_NONBLOCK: a FIFO put in its place must not stall the start.
  const handle = await nodeFs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw errno('EISDIR', `${path} is a directory`);
    if (!info.isFile()) throw errno('ENOTREGULAR', `${path} is not a regular file`);
    if (info.size > MAX_STATE_BYTES) throw errno('EFBIG', `${path} is ${info.size} bytes, far too large for a state file`);
    if (mode !== undefined && (info.mode & 0o777) !== mode) await handle.chmod(mode).catch(() => undefined);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function writeFileExclusive(path: string, data: string): Promise<void> {
  const handle = await nodeFs.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

async function readFileNoFollow(path: string): Promise<string> {
  const handle = await nodeFs.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export const realStateFs: StateFs = {
  mkdir: (path, options) => nodeFs.mkdir(path, options),
  chmod: (path, mode) => nodeFs.chmod(path, mode),
  readStateFile,
  writeFileAtomic: (path, data, options) => writeFileAtomic(path, data, options),
  readdir: (path) => nodeFs.readdir(path),
  readFile: (path) => readFileNoFollow(path),
  writeFileExclusive,
  link: (existing, path) => nodeFs.link(existing, path),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  lstat: (path) => nodeFs.lstat(path),
  lutimes: (path, atime, mtime) => nodeFs.lutimes(path, atime, mtime),
};
