/**
 * `prune`: delete old reports now, as `collect --retain` does in the
 * background — reports received longer ago than --older-than, with the
 * instances not seen since (an instance seen since keeps its latest report),
 * and replay digests that expired or are as old. Safe while collectors run:
 * it deletes a short batch per transaction.
 */
import type { Command } from 'commander';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { durationFlag } from './flags.ts';
import { UserError } from '../lib/errors.ts';

interface RawPruneOptions {
  db?: string;
  olderThan: string;
}

export function definePruneCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('prune')
    .description('delete reports older than --older-than (an instance seen since keeps its latest report)')
    .option('--db <path|url>', 'SQLite file, or a postgres:// URL [CONNECT_TELEMETRY_DB] (default: $XDG_DATA_HOME/connect-telemetry/collector.db)')
    .requiredOption('--older-than <duration>', 'delete what was received longer ago than this, e.g. 90d')
    .action(async (raw: RawPruneOptions) => setExit(await prune(raw, deps, Date.now())));
}

export async function prune(raw: RawPruneOptions, deps: Pick<CliDeps, 'env' | 'stdout' | 'shutdown'>, now: number): Promise<number> {
  const olderThanMs = durationFlag('older-than', raw.olderThan);
  if (olderThanMs < 1) throw new UserError('--older-than must be longer than zero');
  const [{ resolveDb }, { openStorageFor }] = await Promise.all([import('./collector-options.ts'), import('../collector/storage/open-storage.ts')]);
  const storage = await openStorageFor(resolveDb(raw.db, deps.env), { mustExist: true });
  const before = now - olderThanMs;
  try {
    const counts = await storage.prune({ before, now, signal: deps.shutdown });
    deps.stdout(`pruned ${counts.reports} report(s), ${counts.instances} instance(s) not seen since ${new Date(before).toISOString()}, ${counts.activity} day/week activity row(s), and ${counts.tokens} replay digest(s)\n`);
  } finally {
    await storage.close();
  }
  return deps.shutdown.aborted ? 130 : 0;
}
