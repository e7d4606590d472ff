import type { CliDeps } from './cli.ts';
import type { RunOptions } from './options.ts';

export async function startDaemonFromCli(_options: RunOptions, deps: CliDeps): Promise<number> {
  deps.stderr('the daemon is not built yet\n');
  return 1;
}
