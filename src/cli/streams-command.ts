/**
 * `streams`: the sidecar beside Connect's streams mode, given what Connect's
 * `streams` is given: stream config files, directories or globs
 * (`connect-telemetry streams ./streams/*.yaml`), an observability config
 * (`-o`), resources (`-r`) and env files (`-e`). Each file is a stream, even
 * when there is only one; a directory's YAML files are streams, and files
 * that appear in it later are read too.
 */
import type { Command } from 'commander';
import { UserError } from '../lib/errors.ts';
import type { CommandContext } from './cli-deps.ts';
import { addObservabilityFlag, addReadingFlags } from './config-sources.ts';
import { addSidecarFlags, runSidecar } from './run-command.ts';
import { resolveRunOptions, type RawOptions } from './run-options.ts';

/** A `streams` command line must name its streams: those made through Connect's HTTP API cannot be seen from beside it. */
export function streamPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) {
    throw new UserError('streams: give the stream config files or directories Connect is given (streams made through its HTTP API cannot be read from beside it)');
  }
  return [...paths];
}

export function defineStreamsCommand(program: Command, { deps, setExit }: CommandContext): void {
  addSidecarFlags(addObservabilityFlag(addReadingFlags(program.command('streams'))))
    .description("watch the stream configs of Connect's streams mode and report their components on a schedule")
    .argument('[paths...]', "stream config files, directories or globs, as given to Connect's streams")
    .action(async (paths: string[], raw: RawOptions) => {
      const options = resolveRunOptions(raw, deps.env, { streams: streamPaths(paths) });
      await runSidecar(options, deps, setExit);
    });
}
