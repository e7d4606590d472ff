/**
 * The watcher's fallback: a cheap stat of every config file (and a listing of
 * every streams folder) each interval, on the injected clock. It notices a
 * change on filesystems that send no events, and a config that did not exist
 * yet at start; only a change of the fingerprint costs a reload.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CancelTimer, Clock } from '../lib/clock.ts';

export interface PollTargets {
  files: readonly string[];
  directories: readonly string[];
}

/** A cheap fingerprint of the targets: inode, size and mtime of each file (following symlinks). */
export async function fingerprint(targets: PollTargets): Promise<string> {
  const parts: string[] = [];
  const describe = async (path: string) => {
    try {
      const info = await stat(path);
      parts.push(`${path}:${info.ino}:${info.size}:${info.mtimeMs}`);
    } catch {
      parts.push(`${path}:missing`);
    }
  };
  for (const file of targets.files) await describe(file);
  for (const dir of targets.directories) {
    const pending = [dir];
    while (pending.length > 0) {
      const current = pending.pop() as string;
      let entries;
      try {
        entries = await readdir(current, { withFileTypes: true });
      } catch {
        parts.push(`${current}:missing`);
        continue;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(current, entry.name);
        if (entry.isDirectory()) pending.push(path);
        else await describe(path);
      }
    }
  }
  return parts.sort().join('\n');
}

export interface PollOptions {
  clock: Clock;
  intervalMs: number;
  /** Called when the fingerprint differs from the one before. */
  onChange: () => void;
  onError?: (error: unknown) => void;
}

/**
 * Fingerprints the targets now and then every interval. `onFirst` hears when
 * the first fingerprint is taken (a change before it would go unseen).
 * Returns a function that stops polling.
 */
export function pollForChanges(targets: PollTargets, options: PollOptions, onFirst: () => void): CancelTimer {
  let last: string | undefined;
  let stopped = false;
  let cancel: CancelTimer = () => undefined;
  const check = async () => {
    try {
      const current = await fingerprint(targets);
      if (last !== undefined && current !== last && !stopped) options.onChange();
      last = current;
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    cancel = options.clock.after(options.intervalMs, () => void check().finally(() => stopped || schedule()));
  };
  void check().then(() => {
    if (stopped) return;
    onFirst();
    schedule();
  });
  return () => {
    stopped = true;
    cancel();
  };
}
