/**
 * With no --config, Connect looks for its config in fixed places; so do we,
 * in the same order, so the sidecar reads what Connect runs.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';
import type { ConfigSources } from './resolve-config-files.ts';

export function defaultConfigCandidates(cwd: string): string[] {
  const candidates: string[] = [];
  for (const product of ['redpanda-connect', 'connect', 'benthos']) {
    candidates.push(
      resolve(cwd, `${product}.yaml`),
      `/${product}.yaml`,
      `/etc/${product}/config.yaml`,
      `/etc/${product}.yaml`,
    );
  }
  return candidates;
}

export async function findDefaultConfig(cwd: string): Promise<string | undefined> {
  for (const candidate of defaultConfigCandidates(cwd)) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not there: try the next place
    }
  }
  return undefined;
}

/** The config to read when none was given: the first of Connect's places that exists, or a clear error. */
export async function requireDefaultConfig(cwd: string): Promise<string> {
  const found = await findDefaultConfig(cwd);
  if (found === undefined) {
    throw new UserError(`no --config given and no config in Connect's default places (${defaultConfigCandidates(cwd).join(', ')})`);
  }
  return found;
}

/**
 * The sources with Connect's default config filled in where Connect fills
 * it: `run` needs a config, so one must be found; `streams` reads one, when
 * there is one, as its observability config. `found` is the path used, so
 * the caller can say so.
 */
export async function withDefaultConfig(sources: ConfigSources, cwd: string): Promise<{ sources: ConfigSources; found?: string }> {
  if (sources.streams !== undefined) {
    if (sources.observability !== undefined) return { sources };
    const found = await findDefaultConfig(cwd);
    return found === undefined ? { sources } : { sources: { ...sources, observability: found }, found };
  }
  if (sources.configs.length > 0) return { sources };
  const found = await requireDefaultConfig(cwd);
  return { sources: { ...sources, configs: [found] }, found };
}
