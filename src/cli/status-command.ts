/** `status`: the persisted identity and schedule, read without locking. */
import { Option, type Command } from 'commander';
import { formatDuration } from '../lib/duration.ts';
import { nextReportAt, SCHEDULE_PRESETS } from '../sidecar/schedule.ts';
import { peekState } from '../sidecar/state/state-store.ts';
import type { CommandContext } from './cli-deps.ts';
import { resolveRunOptions, type RawOptions, type RunOptions } from './run-options.ts';

export interface StatusDeps {
  json: boolean;
  now: () => number;
  stdout: (text: string) => void;
}

export function defineStatusCommand(program: Command, { deps }: CommandContext): void {
  program
    .command('status')
    .description("show this instance's ID, uptime, next report and last outcome")
    .option('--state-dir <dir>', 'state directory [CONNECT_TELEMETRY_STATE_DIR]')
    .addOption(new Option('--schedule <name>', 'schedule preset [CONNECT_TELEMETRY_SCHEDULE]').choices(Object.keys(SCHEDULE_PRESETS)))
    .option('--delay <duration>', 'as given to the daemon [CONNECT_TELEMETRY_DELAY]')
    .option('--period <duration>', 'as given to the daemon [CONNECT_TELEMETRY_PERIOD]')
    .option('--endpoint <url>', 'as given to the daemon [CONNECT_TELEMETRY_ENDPOINT]')
    .option('--disable-telemetry', 'as given to the daemon')
    .option('--json', 'print JSON')
    .action(async (raw: RawOptions & { json?: boolean }) => {
      await status(resolveRunOptions(raw, deps.env), { json: raw.json === true, now: Date.now, stdout: deps.stdout });
    });
}

export async function status(options: RunOptions, deps: StatusDeps): Promise<void> {
  const now = deps.now();
  const { state, reason } = await peekState(options.stateDir);
  const disabled = options.disabledBecause ?? (options.endpoint === undefined ? 'no endpoint is configured' : undefined);
  const iso = (ms: number) => new Date(ms).toISOString();
  const report = {
    stateDir: options.stateDir,
    instanceId: state?.instanceId ?? null,
    firstStartedAt: state ? iso(state.firstStartedAt) : null,
    uptimeSeconds: state ? Math.max(0, Math.floor((now - state.firstStartedAt) / 1000)) : null,
    nextReportAt: state && !disabled ? iso(nextReportAt(state, options)) : null,
    lastReport: state?.lastReport
      ? { at: iso(state.lastReport.at), outcome: state.lastReport.outcome, status: state.lastReport.status ?? null }
      : null,
    telemetry: disabled ? { enabled: false, reason: disabled } : { enabled: true, reason: null },
    problem: state ? null : reason,
  };
  if (deps.json) {
    deps.stdout(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const lines = [
    `state directory:  ${report.stateDir}`,
    state ? `instance ID:      ${report.instanceId}` : `instance ID:      none (${reason})`,
  ];
  if (state) {
    lines.push(`first started:    ${report.firstStartedAt}`, `uptime:           ${formatDuration(now - state.firstStartedAt)}`);
    if (report.nextReportAt) {
      const due = nextReportAt(state, options);
      lines.push(`next report due:  ${report.nextReportAt}${due > now ? ` (in ${formatDuration(due - now)})` : ' (now)'}`);
    }
    lines.push(
      `last report:      ${state.lastReport ? `${report.lastReport?.at} ${state.lastReport.outcome}${state.lastReport.status ? ` (HTTP ${state.lastReport.status})` : ''}` : 'none yet'}`,
    );
  }
  lines.push(`telemetry:        ${disabled ? `disabled (${disabled})` : 'enabled'}`);
  deps.stdout(lines.join('\n') + '\n');
}
