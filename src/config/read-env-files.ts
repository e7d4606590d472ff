/**
 * The thin edge for env files (`-e`): read each one safely and lay its
 * variables over the process environment, a later file winning, as Connect
 * does (it sets them in its own environment before reading the config). The
 * result is used only to resolve `${VAR}` references: it is never sent and
 * never logged.
 */
import { UserError } from '../lib/errors.ts';
import type { Env } from '../lib/env.ts';
import { EnvFileSyntaxError, parseEnvFile } from './parse-env-file.ts';
import { readConfigFile } from './read-config-file.ts';

export interface EnvFilesRead {
  /** The process environment with every file's variables laid over it. */
  env: Env;
  /** The files' texts, in order, so a caller can tell whether they changed. */
  texts: string[];
  /** Files that Connect stops reading early, and where. */
  stopped: { path: string; line: number }[];
}

export async function readEnvFiles(paths: readonly string[], base: Env): Promise<EnvFilesRead> {
  if (paths.length === 0) return { env: base, texts: [], stopped: [] };
  // No prototype: a file may well name a variable `__proto__` or `constructor`.
  const env: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string | undefined>, base);
  const texts: string[] = [];
  const stopped: EnvFilesRead['stopped'] = [];
  for (const path of paths) {
    const text = await readConfigFile(path, undefined, 'env file');
    texts.push(text);
    let parsed;
    try {
      parsed = parseEnvFile(text);
    } catch (error) {
      if (error instanceof EnvFileSyntaxError) throw new UserError(`env file ${path}: ${error.message}`, { cause: error });
      throw error;
    }
    for (const [name, value] of parsed.vars) env[name] = value;
    if (parsed.stoppedAtLine !== undefined) stopped.push({ path, line: parsed.stoppedAtLine });
  }
  return { env, texts, stopped };
}

/** A one-line warning for a file Connect stops reading early; it names no value. */
export const stoppedWarning = ({ path, line }: { path: string; line: number }) =>
  `env file ${path}: line ${line} holds more than one NAME=value (an unquoted value with a space?); like Connect, the lines after it are not read`;
