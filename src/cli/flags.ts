/**
 * Reading flag values and their environment variables, the same way for
 * every command: a bad value is a UserError that names the flag and says how
 * to write it. Flags win over variables, and an empty variable counts as unset.
 */
import { parseDuration } from '../lib/duration.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { LOG_LEVELS, type LogLevel } from '../lib/logger.ts';
import type { Env } from '../lib/env.ts';



/** commander's collector for a repeatable flag. */
export const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The flag's value if given, else the variable's (unless empty), else undefined. */
export const flagOrEnv = (given: string | undefined, env: Env, variable: string): string | undefined =>
  given ?? (env[variable] || undefined);

/** A comma-separated variable as a list; undefined when unset or empty. */
export const envList = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);

/** An opt-out or switch variable is on for any value but empty, `0` or `false`. */
export function isTruthyFlag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalised = value.trim().toLowerCase();
  return normalised !== '' && normalised !== '0' && normalised !== 'false';
}

export function durationFlag(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`--${flag}: ${errorMessage(error)}`);
  }
}

export function logLevelFlag(text: string): LogLevel {
  const level = text.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UserError(`--log-level: "${text}" is not a level; use one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

export function countFlag(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UserError(`--${flag}: "${text}" is not a whole number`);
  return value;
}

/** A share between 0 and 1, also written as a percentage (`5%`). */
export function shareFlag(flag: string, text: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UserError(`--${flag}: "${text}" is not a share between 0 and 1 (or 0% and 100%)`);
  }
  return value;
}

/** Bytes, or a number with kb/mb (binary: 1mb = 1,048,576 bytes). */
export function sizeFlag(flag: string, text: string): number {
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(text.trim());
  if (!match) throw new UserError(`--${flag}: "${text}" is not a size; write it like 1048576, 512kb or 1mb`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const bytes = Number(match[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1);
  if (bytes < 1) throw new UserError(`--${flag} must be at least 1 byte`);
  return bytes;
}
