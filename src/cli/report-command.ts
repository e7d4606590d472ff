/**
 * `report`: which plugins are used, and together, by the instances whose
 * latest report is inside the window; printed, or written to --out. The
 * analysis loads only when this command runs.
 */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { AnalysisOptions } from '../analysis/report-model.ts';
import { REPORT_FORMATS, type ReportFormat } from '../analysis/report-formats.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { countFlag, durationFlag, shareFlag } from './flags.ts';

export interface ReportOptions extends Omit<AnalysisOptions, 'now'> {
  db: string;
  format: ReportFormat;
  out: string | undefined;
}

interface RawReportOptions {
  db?: string;
  window: string;
  minUptime: string;
  minSupport: string;
  minConfidence: string;
  plugin?: string;
  then?: string;
  type?: string;
  includeDefaults?: boolean;
  trend?: boolean;
  limit: string;
  format: ReportFormat;
  out?: string;
}

export function defineReportCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('report')
    .description('which plugins are used, and together, by instances whose latest report is inside the window')
    .option('--db <path|url>', 'SQLite file, or a postgres:// URL [CONNECT_TELEMETRY_DB] (default: $XDG_DATA_HOME/connect-telemetry/collector.db)')
    .option('--window <duration>', 'count instances whose latest report is this recent', '30d')
    .option('--min-uptime <duration>', 'leave out instances that have run for less than this', '0s')
    .option('--min-support <share>', 'least share of instances using both plugins of a pair (0.05 or 5%)', '1%')
    .option('--min-confidence <share>', 'least P(then | if) for a pair (0.5 or 50%)', '10%')
    .option('--plugin <type/name>', 'only pairs that start from this plugin, e.g. output/aws_s3')
    .option('--then <type/name>', 'only pairs that end in this plugin; with --plugin, answers that one pair whatever its figures')
    .option('--type <category>', 'only plugins of this category (input, processor, output…): in the plugin list, the trends, and as the then side of pairs')
    .option('--include-defaults', "keep the defaults Connect fills in (buffer/none, metrics/prometheus…) in the pairings")
    .option('--trend', 'also show each plugin per week (per day for windows up to 14d) and its change against the period before')
    .option('--limit <n>', 'most pairs listed; 0 lists all', '100')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (raw: RawReportOptions) => setExit(await report(await readReportOptions(raw, deps), deps, Date.now())));
}

async function readReportOptions(raw: RawReportOptions, deps: CliDeps): Promise<ReportOptions> {
  const o = await import('./collector-options.ts');
  const windowMs = durationFlag('window', raw.window);
  if (windowMs < 1) throw new UserError('--window must be longer than zero');
  return {
    db: o.resolveDb(raw.db, deps.env),
    windowMs,
    minUptimeSeconds: Math.ceil(durationFlag('min-uptime', raw.minUptime) / 1000),
    minSupport: shareFlag('min-support', raw.minSupport),
    minConfidence: shareFlag('min-confidence', raw.minConfidence),
    plugin: raw.plugin === undefined ? undefined : o.parsePluginRef('plugin', raw.plugin),
    then: raw.then === undefined ? undefined : o.parsePluginRef('then', raw.then),
    type: raw.type === undefined ? undefined : o.parseCategory('type', raw.type),
    includeDefaults: raw.includeDefaults === true,
    trend: raw.trend === true,
    limit: countFlag('limit', raw.limit),
    format: raw.format,
    out: raw.out,
  };
}

export async function report(options: ReportOptions, deps: Pick<CliDeps, 'stdout' | 'stderr'>, now: number): Promise<number> {
  const [{ openStorageFor }, { renderReport }] = await Promise.all([import('../collector/storage/open-storage.ts'), import('../analysis/render-report.ts')]);
  const storage = await openStorageFor(options.db, { mustExist: true });
  let text: string;
  try {
    text = await renderReport(storage, { ...options, now }, options.format);
  } finally {
    await storage.close();
  }
  if (options.out === undefined) {
    deps.stdout(text);
    return 0;
  }
  try {
    await writeFile(options.out, text);
  } catch (error) {
    throw new UserError(`--out ${options.out}: cannot write (${errorMessage(error)})`, { cause: error });
  }
  deps.stderr(`wrote ${options.out}\n`);
  return 0;
}
