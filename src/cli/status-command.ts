/**
 * `status`: what a state directory says about its daemon, read without
 * locking or writing. Given only `--state-dir` (or its variable), it tells the
 * truth about a running daemon from what that daemon records in its lock:
 * running or not (PID), telemetry on or off and why, the schedule and next
 * report, the last report and the config's health. Flags given to `status`
 * still win; its environment counts only when no daemon is running.
 */
import { Option, type Command } from 'commander';
import { SCHEDULE_PRESETS } from '../sidecar/schedule.ts';
import type { CommandContext } from './cli-deps.ts';
import type { RawOptions } from './run-options.ts';

export function defineStatusCommand(program: Command, { deps }: CommandContext): void {
  program
    .command('status')
    .description("show whether a daemon runs on the state directory, its instance ID, schedule, last report and config health")
    .option('--state-dir <dir>', 'state directory [CONNECT_TELEMETRY_STATE_DIR]')
    .addOption(new Option('--schedule <name>', 'schedule preset, instead of the running daemon\'s [CONNECT_TELEMETRY_SCHEDULE]').choices(Object.keys(SCHEDULE_PRESETS)))
    .option('--delay <duration>', "instead of the running daemon's [CONNECT_TELEMETRY_DELAY]")
    .option('--period <duration>', "instead of the running daemon's [CONNECT_TELEMETRY_PERIOD]")
    .option('--endpoint <url>', "instead of the running daemon's [CONNECT_TELEMETRY_ENDPOINT]")
    .option('--allow-insecure-endpoint', 'as for run [CONNECT_TELEMETRY_ALLOW_INSECURE_ENDPOINT]')
    .option('--disable-telemetry', 'report telemetry as off')
    .option('--json', 'print JSON')
    .action(async (raw: RawOptions & { json?: boolean }) => {
      const { showStatus } = await import('./status-report.ts');
      await showStatus(raw, { env: deps.env, json: raw.json === true, stdout: deps.stdout });
    });
}
