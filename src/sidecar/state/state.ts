/**
 * The persisted identity of an instance, and its parsing and serialising.
 * Pure: text in, validated state (or a reason) out.
 */
import { isObject } from '../../lib/is-object.ts';

export const STATE_FORMAT_VERSION = 1;
export const STATE_FILE_NAME = 'state.json';

export interface LastReport {
  /** When the attempt finished, ms since the epoch. */
  at: number;
  outcome: 'sent' | 'failed';
  /** HTTP status of the last attempt, when a response came back. */
  status?: number;
}

export interface State {
  /** Random UUID v4 made on first start; the only identity ever sent. */
  instanceId: string;
  /** First start of this instance, ms since the epoch; uptime counts from here. */
  firstStartedAt: number;
  /** The last report attempt, if any. */
  lastReport?: LastReport;
}

/** On-disk shape: ISO times so a person can read the file. */
interface StateFile {
  version: number;
  instanceId: string;
  firstStartedAt: string;
  lastReport?: { at: string; outcome: string; status?: number };
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export type ParsedState = { ok: true; state: State } | { ok: false; reason: string };

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseState(text: string): ParsedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: text.trim() === '' ? 'the file is empty' : 'the file is not valid JSON' };
  }
  if (!isObject(json)) return { ok: false, reason: 'the file does not hold a JSON object' };
  if (json['version'] !== STATE_FORMAT_VERSION) {
    return { ok: false, reason: `unsupported state format version ${JSON.stringify(json['version'])} (expected ${STATE_FORMAT_VERSION})` };
  }
  const instanceId = json['instanceId'];
  if (typeof instanceId !== 'string' || !UUID_V4.test(instanceId)) return { ok: false, reason: 'instanceId is not a UUID v4' };
  const firstStartedAt = parseTime(json['firstStartedAt']);
  if (firstStartedAt === undefined) return { ok: false, reason: 'firstStartedAt is not a valid time' };
  const state: State = { instanceId, firstStartedAt };
  const last = json['lastReport'];
  if (last !== undefined) {
    const at = isObject(last) ? parseTime(last['at']) : undefined;
    const outcome = isObject(last) ? last['outcome'] : undefined;
    const status = isObject(last) ? last['status'] : undefined;
    if (at === undefined || (outcome !== 'sent' && outcome !== 'failed') || (status !== undefined && !Number.isInteger(status))) {
      return { ok: false, reason: 'lastReport is malformed' };
    }
    state.lastReport = { at, outcome, ...(typeof status === 'number' ? { status } : {}) };
  }
  return { ok: true, state };
}

export function serialiseState(state: State): string {
  const file: StateFile = {
    version: STATE_FORMAT_VERSION,
    instanceId: state.instanceId,
    firstStartedAt: new Date(state.firstStartedAt).toISOString(),
  };
  if (state.lastReport) {
    file.lastReport = {
      at: new Date(state.lastReport.at).toISOString(),
      outcome: state.lastReport.outcome,
      ...(state.lastReport.status !== undefined ? { status: state.lastReport.status } : {}),
    };
  }
  return JSON.stringify(file, null, 2) + '\n';
}

export function newState(instanceId: string, now: number): State {
  return { instanceId, firstStartedAt: now };
}
