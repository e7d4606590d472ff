/**
 * Tells the daemon to look at the config again. It never reads configs: it
 * only notices that something may have changed.
 *
 * chokidar watches the directories that hold the config files (not the files:
 * a Kubernetes ConfigMap update swaps the `..data` symlink in the directory,
 * and an atomic rename replaces the file's inode, both of which a watch on the
 * file itself misses) and the streams directories. A slow stat-based check
 * backs it up on filesystems that send no events, and notices a config that
 * did not exist yet at start (stat-poller.ts). Timers go through the clock.
 */
import { dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { CancelTimer, Clock } from '../lib/clock.ts';
import { pollForChanges } from './stat-poller.ts';

export interface WatchTargets {
  files: readonly string[];
  directories: readonly string[];
}

export interface ConfigWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  clock: Clock;
  onChange: () => void;
  pollIntervalMs: number;
  debounceMs?: number;
  onError?: (error: unknown) => void;
}

export function watchConfig(targets: WatchTargets, options: WatchOptions): ConfigWatcher {
  // The events of one atomic rename or ConfigMap swap arrive within a
  // millisecond or two of each other; this only coalesces such a burst.
  const debounceMs = options.debounceMs ?? 10;
  let cancelDebounce: CancelTimer | undefined;
  let closed = false;
  const changed = () => {
    if (closed) return;
    cancelDebounce?.();
    cancelDebounce = options.clock.after(debounceMs, () => {
      cancelDebounce = undefined;
      if (!closed) options.onChange();
    });
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

  // The fallback check: a stat per file every interval, a read only on change;
  // once its first look is taken, look again (the same gap as above, for
  // filesystems without events).
  const stopPolling = pollForChanges(targets, { clock: options.clock, intervalMs: options.pollIntervalMs, onChange: changed, ...(options.onError ? { onError: options.onError } : {}) }, changed);

  return {
    async close() {
      closed = true;
      stopPolling();
      cancelDebounce?.();
      await Promise.all(watchers.map((watcher) => watcher.close()));
    },
  };
}
