/**
 * Flags and environment variables only the collection-side commands have:
 * where to listen, which database, which keys, which plugin. Loaded only when
 * one of those commands runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PluginRef } from '../analysis/report-model.ts';
import { CATEGORIES, isCategory, type Category } from '../catalogue/catalogue.ts';
import type { CollectOptions } from '../collector/run-collector.ts';
import { PLUGIN_NAME } from '../collector/validate-report.ts';
import { formatDuration } from '../lib/duration.ts';
import { UserError } from '../lib/errors.ts';
import { countFlag, durationFlag, envList, flagOrEnv, logLevelFlag, sizeFlag } from './flags.ts';
import type { Env } from '../lib/env.ts';

export const COLLECTOR_ENV = {
  listen: 'CONNECT_TELEMETRY_LISTEN',
  db: 'CONNECT_TELEMETRY_DB',
  publicKey: 'CONNECT_TELEMETRY_PUBLIC_KEY',
  schema: 'CONNECT_TELEMETRY_SCHEMA',
  logLevel: 'CONNECT_TELEMETRY_LOG_LEVEL',
} as const;

/** `collect`'s flags as commander hands them over. */
export interface RawCollectOptions {
  listen?: string;
  db?: string;
  publicKey?: string[];
  schema?: string[];
  maxBody: string;
  headerTimeout: string;
  bodyTimeout: string;
  keepAliveTimeout: string;
  maxConnections: string;
  rateLimit?: string;
  dbTimeout: string;
  retain?: string;
  maxTokenAge: string;
  logLevel?: string;
  ui?: boolean;
  uiListen?: string;
}

/** A duration that must be at least `least` ms. */
function positiveDuration(flag: string, text: string, least = 1): number {
  const ms = durationFlag(flag, text);
  if (ms < least) throw new UserError(`--${flag} must be at least ${formatDuration(least)}`);
  return ms;
}

export function resolveCollectOptions(raw: RawCollectOptions, env: Env): CollectOptions {
  const headerTimeoutMs = positiveDuration('header-timeout', raw.headerTimeout, 100);
  const bodyTimeoutMs = positiveDuration('body-timeout', raw.bodyTimeout, 100);
  if (bodyTimeoutMs < headerTimeoutMs) throw new UserError('--body-timeout covers the whole request, head included: make it at least --header-timeout');
  const maxConnections = countFlag('max-connections', raw.maxConnections);
  if (maxConnections < 1) throw new UserError('--max-connections must be at least 1');
  return {
    listen: resolveListen(raw.listen, env),
    db: resolveDb(raw.db, env),
    publicKeyFiles: resolvePublicKeys(raw.publicKey, env),
    schemaFiles: raw.schema && raw.schema.length > 0 ? raw.schema : (envList(env[COLLECTOR_ENV.schema]) ?? []),
    maxBodyBytes: sizeFlag('max-body', raw.maxBody),
    limits: { headerTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs: positiveDuration('keep-alive-timeout', raw.keepAliveTimeout), maxConnections },
    rateLimitMs: raw.rateLimit === undefined ? undefined : positiveDuration('rate-limit', raw.rateLimit),
    dbTimeoutMs: positiveDuration('db-timeout', raw.dbTimeout, 100),
    retainMs: raw.retain === undefined ? undefined : positiveDuration('retain', raw.retain, 60_000),
    maxTokenAgeMs: positiveDuration('max-token-age', raw.maxTokenAge),
    logLevel: logLevelFlag(flagOrEnv(raw.logLevel, env, COLLECTOR_ENV.logLevel) ?? 'info'),
  };
}

export const DEFAULT_LISTEN = '127.0.0.1:4300';

export function defaultDbPath(env: Env): string {
  const xdg = env['XDG_DATA_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(env['HOME'] ?? homedir(), '.local', 'share');
  return join(base, 'connect-telemetry', 'collector.db');
}

export function resolveDb(flag: string | undefined, env: Env): string {
  return flagOrEnv(flag, env, COLLECTOR_ENV.db) ?? defaultDbPath(env);
}

/** `host:port`, `[v6]:port`; port 0 picks a free port. */
export function parseListen(text: string, flag = 'listen'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UserError(`--${flag}: "${text}" is not host:port (for example 127.0.0.1:4300, 0.0.0.0:4300 or [::1]:4300)`);
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

export function resolveListen(flag: string | undefined, env: Env): { host: string; port: number } {
  return parseListen(flagOrEnv(flag, env, COLLECTOR_ENV.listen) ?? DEFAULT_LISTEN);
}

/** `output/aws_s3` (also `output:aws_s3`). */
export function parsePluginRef(flag: string, text: string): PluginRef {
  const [type, name, ...rest] = text.trim().split(/[/:]/);
  if (rest.length > 0 || !isCategory(type) || name === undefined || !PLUGIN_NAME.test(name)) {
    throw new UserError(`--${flag}: "${text}" is not a plugin; write it as category/name, for example output/aws_s3`);
  }
  return { type, name };
}

/** A component category, as `--type` takes it. */
export function parseCategory(flag: string, text: string): Category {
  const type = text.trim();
  if (!isCategory(type)) throw new UserError(`--${flag}: "${text}" is not a category; use one of ${CATEGORIES.join(', ')}`);
  return type;
}

export function resolvePublicKeys(flags: string[] | undefined, env: Env): string[] {
  return flags && flags.length > 0 ? flags : (envList(env[COLLECTOR_ENV.publicKey]) ?? []);
}
