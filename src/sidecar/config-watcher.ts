/**
 * Tells the daemon to look at the config again. It never reads configs: it
 * only notices that something may have changed.
 *
 * chokidar watches the directories that hold the config files (not the files:
 * a Kubernetes ConfigMap update swaps the `..data` symlink in the directory,
 * and an atomic rename replaces the file's inode, both of which a watch on the
 * file itself misses) and the streams directories. A slow stat-based check
 * backs it up on filesystems that send no events, and notices a config that
 * did not exist yet at start.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface WatchTargets {
  files: readonly string[];
  directories: readonly string[];
}

export interface ConfigWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  onChange: () => void;
  pollIntervalMs: number;
  debounceMs?: number;
  onError?: (error: unknown) => void;
}

/** A cheap fingerprint of the targets: inode, size and mtime of each file (following symlinks). */
export async function fingerprint(targets: WatchTargets): Promise<string> {
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

export function watchConfig(targets: WatchTargets, options: WatchOptions): ConfigWatcher {
  // The events of one atomic rename or ConfigMap swap arrive within a
  // millisecond or two of each other; this only coalesces such a burst.
  const debounceMs = options.debounceMs ?? 10;
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = () => {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      if (!closed) options.onChange();
    }, debounceMs);
  };

  const parents = [...new Set(targets.files.map((file) => dirname(file)))];
  const watchers: FSWatcher[] = [];
  // `atomic: false`: chokidar's own handling of atomic writes holds back an
  // unlink for 100 ms to see whether the file comes back, which only delays
  // the reload; any event here just means "look again".
  const common = { ignoreInitial: true, followSymlinks: false, atomic: false } as const;
  // The directories holding single files are watched one level deep only;
  // streams directories as deep as their stream files go.
  if (parents.length > 0) watchers.push(watch(parents, { ...common, depth: 0 }));
  if (targets.directories.length > 0) {
    watchers.push(watch([...targets.directories], { ...common, depth: 32 }));
  }
  for (const watcher of watchers) {
    // Anything that changed between the daemon's first read and the watch
    // being in place would go unseen: look once more when it is ready.
    watcher.once('ready', changed);
    watcher.on('all', changed);
    watcher.on('error', (error) => options.onError?.(error));
  }

  // The fallback check: a stat per file every interval, a read only on change.
  let last: string | undefined;
  let polling = false;
  const poll = setInterval(() => {
    if (polling || closed) return;
    polling = true;
    fingerprint(targets)
      .then((current) => {
        if (last !== undefined && current !== last) changed();
        last = current;
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => (polling = false));
  }, options.pollIntervalMs);
  poll.unref();
  void fingerprint(targets).then(
    (first) => {
      last ??= first;
      changed(); // same gap as above, for filesystems without events
    },
    () => undefined,
  );

  return {
    async close() {
      closed = true;
      clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      await Promise.all(watchers.map((watcher) => watcher.close()));
    },
  };
}
