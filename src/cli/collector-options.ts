/**
 * Flags and environment variables of the collection-side commands, read once
 * into typed options. Flags win over variables, variables over defaults.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isCategory } from '../catalogue/catalogue.ts';
import { parseDuration } from '../lib/duration.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { LOG_LEVELS, type LogLevel } from '../lib/logger.ts';
import type { PluginRef } from '../analysis/analyse.ts';
import { PLUGIN_NAME } from '../collector/validate-report.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const COLLECTOR_ENV = {
  listen: 'CONNECT_TELEMETRY_LISTEN',
  db: 'CONNECT_TELEMETRY_DB',
  publicKey: 'CONNECT_TELEMETRY_PUBLIC_KEY',
  logLevel: 'CONNECT_TELEMETRY_LOG_LEVEL',
} as const;

export const DEFAULT_LISTEN = '127.0.0.1:4300';

export function defaultDbPath(env: Env): string {
  const xdg = env['XDG_DATA_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(env['HOME'] ?? homedir(), '.local', 'share');
  return join(base, 'connect-telemetry', 'collector.db');
}

export function resolveDb(flag: string | undefined, env: Env): string {
  return flag ?? (env[COLLECTOR_ENV.db] || undefined) ?? defaultDbPath(env);
}

/** `host:port`, `[v6]:port`; port 0 picks a free port. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UserError(`--listen: "${text}" is not host:port (for example 127.0.0.1:4300, 0.0.0.0:4300 or [::1]:4300)`);
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

/** Bytes, or a number with kb/mb (binary: 1mb = 1,048,576 bytes). */
export function parseSize(flag: string, text: string): number {
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(text.trim());
  if (!match) throw new UserError(`--${flag}: "${text}" is not a size; write it like 1048576, 512kb or 1mb`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const bytes = Number(match[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1);
  if (bytes < 1) throw new UserError(`--${flag} must be at least 1 byte`);
  return bytes;
}

export function parseLogLevel(flag: string | undefined, env: Env): LogLevel {
  const level = (flag ?? (env[COLLECTOR_ENV.logLevel] || undefined) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UserError(`--log-level: "${level}" is not a level; use one of ${LOG_LEVELS.join(', ')}`);
  return level as LogLevel;
}

export function durationFlag(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`--${flag}: ${errorMessage(error)}`);
  }
}

/** A share between 0 and 1, also written as a percentage (`5%`). */
export function parseShare(flag: string, text: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UserError(`--${flag}: "${text}" is not a share between 0 and 1 (or 0% and 100%)`);
  return value;
}

/** `output/aws_s3` (also `output:aws_s3`). */
export function parsePluginRef(flag: string, text: string): PluginRef {
  const [type, name, ...rest] = text.trim().split(/[/:]/);
  if (rest.length > 0 || !isCategory(type) || name === undefined || !PLUGIN_NAME.test(name)) {
    throw new UserError(`--${flag}: "${text}" is not a plugin; write it as category/name, for example output/aws_s3`);
  }
  return { type, name };
}

export function parseCount(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UserError(`--${flag}: "${text}" is not a whole number`);
  return value;
}

const list = (value: string | undefined): string[] =>
  value === undefined || value.trim() === '' ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);

export function resolvePublicKeys(flags: string[] | undefined, env: Env): string[] {
  return flags && flags.length > 0 ? flags : list(env[COLLECTOR_ENV.publicKey]);
}
