/**
 * Reads one config file safely: never blocks on a FIFO or device, never reads
 * more than a fixed cap, and turns each errno into a message a user can act on.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { UserError } from '../lib/errors.ts';
import { describeFsError } from '../lib/fs-errors.ts';

/**
 * Larger files are refused before reading: real configs are a few kilobytes.
 * The bound, with the YAML token bound (MAX_YAML_TOKENS in parse-yaml.ts),
 * keeps the daemon within the memory limit the Kubernetes examples give it
 * (256Mi), measured by `npm run bench`: parse memory grows with tokens and,
 * for double-quoted scalars, with bytes (about 40 bytes of heap per byte), and
 * the worst file within both bounds (a quarter of a million tokens and the
 * rest one double-quoted string) peaks near 190 MB.
 */
export const MAX_CONFIG_BYTES = 1.5 * 1024 * 1024;

/** `what` names the kind of file in messages: a config file, an env file. */
export async function readConfigFile(path: string, maxBytes = MAX_CONFIG_BYTES, what = 'config file'): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw describeFsError(error, path, what);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UserError(`${path} is a directory, expected a ${what}`);
    if (!stat.isFile()) throw new UserError(`${path} is not a regular file (a FIFO, socket or device?), refusing to read it`);
    if (stat.size > maxBytes) {
      throw new UserError(`${path} is ${stat.size} bytes, more than the ${maxBytes}-byte limit for a ${what}`);
    }
    // Read at most one byte past the cap, in case the file grows while we read.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) throw new UserError(`${path} grew past the ${maxBytes}-byte limit while being read`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw new UserError(`${path} is not valid UTF-8 text; is it a ${what}?`);
    }
  } catch (error) {
    throw error instanceof UserError ? error : describeFsError(error, path, what);
  } finally {
    await handle.close();
  }
}
