/**
 * What a running daemon tells `status` about itself, kept in its lock file
 * (so it exists exactly while a daemon holds the directory): its schedule,
 * the endpoint's host, and how its last reload of the config went. Never the
 * endpoint's path or query (they may carry a token), never anything from the
 * config but a component count and the class of a problem. Pure: values in,
 * values (or undefined, for anything malformed) out.
 */
import { isObject } from '../lib/is-object.ts';
import type { ReloadOutcome } from '../config/config-monitor.ts';
import { allComponents } from '../config/summarise.ts';
import { classifyConfigError, CONFIG_PROBLEMS, type ConfigProblem } from './config-problem.ts';

export interface ReloadRecord {
  /** When the reload finished, ms since the epoch. */
  at: number;
  outcome: 'ok' | 'failed';
  /** How many components the summary holds (ok), or what kind of problem there is (failed). */
  components?: number;
  problem?: ConfigProblem;
  /** Since when reloads have been failing, ms since the epoch. */
  failingSince?: number;
}

export interface DaemonRecord {
  delayMs: number;
  periodMs: number;
  /** The endpoint's host and port, nothing more. */
  endpointHost: string;
  /** True once a config has been read: reports carry a summary. */
  hasSummary: boolean;
  lastReload?: ReloadRecord;
}

/** The record after a reload that counted: an unchanged config is still a successful reload. */
export function afterReload(previous: DaemonRecord, outcome: ReloadOutcome, at: number): DaemonRecord {
  if (outcome.kind === 'failed') {
    const problem = classifyConfigError(outcome.error);
    const failingSince = previous.lastReload?.outcome === 'failed' ? (previous.lastReload.failingSince ?? previous.lastReload.at) : at;
    return { ...previous, lastReload: { at, outcome: 'failed', problem, failingSince } };
  }
  const components = outcome.kind === 'changed' ? allComponents(outcome.summary).length : previous.lastReload?.components;
  return { ...previous, hasSummary: true, lastReload: { at, outcome: 'ok', ...(components !== undefined ? { components } : {}) } };
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function parseReload(value: unknown): ReloadRecord | undefined {
  if (!isObject(value) || !isTime(value['at']) || (value['outcome'] !== 'ok' && value['outcome'] !== 'failed')) return undefined;
  const { components, problem, failingSince } = value;
  return {
    at: value['at'],
    outcome: value['outcome'],
    ...(isCount(components) ? { components } : {}),
    ...(typeof problem === 'string' && (CONFIG_PROBLEMS as readonly string[]).includes(problem) ? { problem: problem as ConfigProblem } : {}),
    ...(isTime(failingSince) ? { failingSince } : {}),
  };
}

/** The record from a lock file, validated; undefined when absent or malformed (an older daemon's lock). */
export function parseDaemonRecord(value: unknown): DaemonRecord | undefined {
  if (!isObject(value)) return undefined;
  const { delayMs, periodMs, endpointHost, hasSummary } = value;
  if (!isCount(delayMs) || !isCount(periodMs) || periodMs === 0 || typeof endpointHost !== 'string' || typeof hasSummary !== 'boolean') return undefined;
  const lastReload = parseReload(value['lastReload']);
  return { delayMs, periodMs, endpointHost, hasSummary, ...(lastReload ? { lastReload } : {}) };
}
