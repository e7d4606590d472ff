/**
 * --dry-run: print the exact payload a report would carry, then exit. Never
 * sends and never writes: the persisted identity is used when a state dir
 * already holds one, otherwise a fresh one that is not saved.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import { allComponents } from '../config/summarise.ts';
import { loadConfigs } from '../config/load-configs.ts';
import type { ConfigSources } from '../config/resolve-config-files.ts';
import { buildPayload, type HostInfo } from '../sidecar/send/payload.ts';
import { peekState } from '../sidecar/state/state-store.ts';
import { randomUUID } from 'node:crypto';
import { readHostInfo } from '../sidecar/send/host-info.ts';
import type { CliDeps } from './cli-deps.ts';
import { configsAndCatalogue } from './config-sources.ts';
import type { Env } from '../lib/env.ts';
import type { RunOptions } from './run-options.ts';

export interface DryRunDeps {
  cwd: string;
  env: Env;
  now: () => number;
  randomId: () => string;
  hostInfo: HostInfo;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function dryRun(sources: ConfigSources, stateDir: string, catalogue: Catalogue, deps: DryRunDeps): Promise<void> {
  const { summary, warnings } = await loadConfigs(sources, deps.cwd, catalogue, deps.env);
  for (const warning of warnings) deps.stderr(`warning: ${warning}\n`);
  const now = deps.now();
  const peeked = await peekState(stateDir);
  let identity;
  if (peeked.state) {
    identity = peeked.state;
  } else {
    identity = { instanceId: deps.randomId(), firstStartedAt: now };
    deps.stderr(`dry run: ${peeked.reason}; using a fresh instance ID that is not saved\n`);
  }
  for (const file of summary.files) {
    if (file.ignoredDocuments > 0) {
      deps.stderr(`warning: ${file.path} holds ${file.ignoredDocuments + 1} YAML documents; like Connect, only the first is read\n`);
    }
  }
  const payload = buildPayload(allComponents(summary), identity, now, deps.hostInfo);
  deps.stdout(JSON.stringify(payload, null, 2) + '\n');
}

/** `run --dry-run`: the configs and catalogue the options name, this host, the real clock. */
export async function dryRunFromCli(options: RunOptions, deps: CliDeps): Promise<void> {
  const { sources, catalogue } = await configsAndCatalogue(options, deps);
  await dryRun(sources, options.stateDir, catalogue, { ...deps, now: Date.now, randomId: randomUUID, hostInfo: readHostInfo() });
}
