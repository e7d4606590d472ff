/**
 * `run`, the default command: the sidecar's flags, then either one dry run
 * (print the payload, exit) or the daemon until SIGTERM. The daemon's code
 * loads only here, and the V8 settings for a small footprint are made first.
 * Like Connect's `run`, it takes its config after the command:
 * `connect-telemetry run ./config.yaml`.
 */
import { Option, type Command } from 'commander';
import { SCHEDULE_PRESETS } from '../sidecar/schedule.ts';
import { preferSmallFootprint } from '../sidecar/small-footprint.ts';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { addConfigFlag, addReadingFlags } from './config-sources.ts';
import { configArgument, resolveRunOptions, type RawOptions, type RunOptions } from './run-options.ts';

/** The sidecar's own flags, which `run` and `streams` share. */
export function addSidecarFlags(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'where the instance ID and first start time are kept [CONNECT_TELEMETRY_STATE_DIR] (default: $XDG_STATE_HOME/connect-telemetry or ~/.local/state/connect-telemetry)')
    .option('--endpoint <url>', 'collection server URL; without one nothing is sent [CONNECT_TELEMETRY_ENDPOINT]')
    .addOption(new Option('--schedule <name>', 'preset delay and period: default (7d, then 1h) or benthos (5m, then 24h) [CONNECT_TELEMETRY_SCHEDULE]').choices(Object.keys(SCHEDULE_PRESETS)))
    .option('--delay <duration>', 'uptime before the first report [CONNECT_TELEMETRY_DELAY] (default: 7d)')
    .option('--period <duration>', 'time between reports [CONNECT_TELEMETRY_PERIOD] (default: 1h)')
    .option('--timeout <duration>', 'time limit for one send attempt [CONNECT_TELEMETRY_TIMEOUT] (default: 10s)')
    .option('--poll-interval <duration>', 'fallback check for config changes where the filesystem sends no events [CONNECT_TELEMETRY_POLL_INTERVAL] (default: 30s)')
    .option('--signing-key <pem>', 'RSA private key: send an RS256 JWT (text/plain) as Connect does [CONNECT_TELEMETRY_SIGNING_KEY]')
    .option('--ca-file <pem>', 'extra CA certificate(s) to trust for an https endpoint [CONNECT_TELEMETRY_CA_FILE]')
    .option('--allow-insecure-endpoint', 'allow a plain http:// endpoint that is not on this machine [CONNECT_TELEMETRY_ALLOW_INSECURE_ENDPOINT]')
    .option('--disable-telemetry', 'never send anything; stay up idle [CONNECT_TELEMETRY_DISABLED, DO_NOT_TRACK]')
    .option('--dry-run', 'print the payload that would be sent, then exit; sends and writes nothing')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [CONNECT_TELEMETRY_LOG_LEVEL] (default: info)');
}

/** One dry run, or the daemon until SIGTERM. */
export async function runSidecar(options: RunOptions, deps: CliDeps, setExit: (code: number) => void): Promise<void> {
  if (options.dryRun) {
    const { dryRunFromCli } = await import('./dry-run-command.ts');
    return dryRunFromCli(options, deps);
  }
  preferSmallFootprint();
  const { startSidecar } = await import('../sidecar/start-sidecar.ts');
  setExit(await startSidecar(options, deps));
}

export function defineRunCommand(program: Command, { deps, setExit }: CommandContext): void {
  addSidecarFlags(addReadingFlags(addConfigFlag(program.command('run', { isDefault: true }))))
    .description('watch the config and report its components on a schedule (the default command)')
    .argument('[config]', "Connect config file, as given to Connect's run (the same as --config)")
    // More than one is refused below, with a pointer to `streams`.
    .allowExcessArguments()
    .action(async (_config: string | undefined, raw: RawOptions, command: Command) => {
      const options = resolveRunOptions(raw, deps.env, { config: configArgument('run', command.args, raw) });
      await runSidecar(options, deps, setExit);
    });
}
