/**
 * `run`, the default command: the sidecar's flags, then either one dry run
 * (print the payload, exit) or the daemon until SIGTERM. The daemon's code
 * loads only here, and the V8 settings for a small footprint are made first.
 */
import { Option, type Command } from 'commander';
import { SCHEDULE_PRESETS } from '../sidecar/schedule.ts';
import { preferSmallFootprint } from '../sidecar/small-footprint.ts';
import type { CommandContext } from './cli-deps.ts';
import { addConfigFlags } from './config-sources.ts';
import { resolveRunOptions, type RawOptions } from './run-options.ts';

export function defineRunCommand(program: Command, { deps, setExit }: CommandContext): void {
  addConfigFlags(program.command('run', { isDefault: true }))
    .description('watch the config and report its components on a schedule (the default command)')
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
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [CONNECT_TELEMETRY_LOG_LEVEL] (default: info)')
    .action(async (raw: RawOptions) => {
      const options = resolveRunOptions(raw, deps.env);
      if (options.dryRun) {
        const { dryRunFromCli } = await import('./dry-run-command.ts');
        return dryRunFromCli(options, deps);
      }
      preferSmallFootprint();
      const { startSidecar } = await import('../sidecar/start-sidecar.ts');
      setExit(await startSidecar(options, deps));
    });
}
