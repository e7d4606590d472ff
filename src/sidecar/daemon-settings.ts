/**
 * What the daemon is given: its settings (what to watch, where to keep its
 * identity, where and when to report) and every outside effect it uses
 * (clock, fetch, logger, filesystem watcher, randomness, stop signal).
 */
import type { Agent } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import type { Clock } from '../lib/clock.ts';
import type { Env } from '../lib/env.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConfigWatcher, WatchTargets } from './config-watcher.ts';
import type { ScheduleSettings } from './schedule.ts';
import type { HostInfo } from './send/payload.ts';
import type { FetchLike } from './send/send-report.ts';
import type { StateFs } from './state/state-store.ts';

export interface DaemonSettings extends ScheduleSettings {
  sources: ConfigSources;
  stateDir: string;
  endpoint: URL;
  timeoutMs: number;
  pollIntervalMs: number;
  userAgent: string;
  signingKey?: KeyObject | undefined;
  agent?: Agent | undefined;
}

export interface DaemonDeps {
  clock: Clock;
  fetch: FetchLike;
  logger: Logger;
  env: Env;
  cwd: string;
  catalogue: Catalogue;
  hostInfo: HostInfo;
  randomId: () => string;
  random: () => number;
  shutdown: AbortSignal;
  watch: (targets: WatchTargets, onChange: () => void, onError: (error: unknown) => void) => ConfigWatcher;
  stateFs?: StateFs;
  retryBaseMs?: number;
  /** Told how many bytes of YAML a reload is about to parse. */
  beforeParsing?: (bytes: number) => void;
}
