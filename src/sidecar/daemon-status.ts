/**
 * What `status` reads from a state directory, without locking or writing
 * anything: the identity (state.json), the current lock and whether its
 * holder is running (judged as a starting daemon would judge it), and what
 * a running daemon records about itself in its lock.
 */
import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import { parseDaemonRecord, type DaemonRecord } from './daemon-record.ts';
import type { ProcessKind } from './state/lock-holder.ts';
import { realStateFs, type StateFs } from './state/state-fs.ts';
import { judgeLock, readLockHolder } from './state/state-lock.ts';
import { peekState } from './state/state-store.ts';
import type { State } from './state/state.ts';

export interface HolderStatus {
  running: boolean;
  /** Why it counts as running or not, in words. */
  why: string;
  pid?: number;
  host?: string;
  since?: number;
  /** What the running daemon recorded; undefined for a daemon of an earlier version. */
  record?: DaemonRecord;
}

export interface DirectoryStatus {
  state?: State;
  /** 'ok', or why there is no usable state. */
  stateProblem: string;
  holder: HolderStatus;
}

export interface StatusDeps {
  clock: Clock;
  fs?: StateFs;
  inspect?: (pid: number) => Promise<ProcessKind>;
}

async function holderStatus(dir: string, deps: StatusDeps): Promise<HolderStatus> {
  let holder;
  try {
    holder = await readLockHolder(dir, deps.fs ?? realStateFs);
  } catch (error) {
    return { running: false, why: `cannot read the state directory: ${errorMessage(error)}` };
  }
  if (!holder) return { running: false, why: 'no daemon holds the state directory' };
  const verdict = await judgeLock(holder, deps);
  const record = holder.record;
  if (!record) return { running: verdict.live, why: verdict.why };
  const daemon = verdict.live ? parseDaemonRecord(record.daemon) : undefined;
  return {
    running: verdict.live,
    why: verdict.live ? verdict.why : `the lock of pid ${record.pid} on ${record.host} is stale: ${verdict.why}`,
    pid: record.pid,
    host: record.host,
    since: record.since,
    ...(daemon ? { record: daemon } : {}),
  };
}

export async function readDirectoryStatus(dir: string, deps: StatusDeps): Promise<DirectoryStatus> {
  const [peeked, holder] = await Promise.all([peekState(dir, deps.fs ?? realStateFs), holderStatus(dir, deps)]);
  return { ...(peeked.state ? { state: peeked.state } : {}), stateProblem: peeked.reason, holder };
}
