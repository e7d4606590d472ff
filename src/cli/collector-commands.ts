/**
 * Registers the collection-side commands (collect, report, simulate, demo).
 * Only commander definitions live here; each action imports its module
 * lazily so the sidecar daemon never loads collector code.
 */
import { Option, type Command } from 'commander';
import type { CliDeps } from './program.ts';

const repeat = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Loaded only inside actions: parsing flags needs it, the daemon does not. */
const options = () => import('./collector-options.ts');

export function registerCollectorCommands(program: Command, deps: CliDeps, setExit: (code: number) => void): void {
  program
    .command('collect')
    .description('receive reports over HTTP (POST /connect/telemetry) and store them')
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free port [CONNECT_TELEMETRY_LISTEN] (default: 127.0.0.1:4300)')
    .option('--db <path|url>', 'SQLite file, or a postgres:// URL [CONNECT_TELEMETRY_DB] (default: $XDG_DATA_HOME/connect-telemetry/collector.db)')
    .option('--public-key <pem>', 'accept only RS256 JWTs signed by this key (repeatable, for key rotation) [CONNECT_TELEMETRY_PUBLIC_KEY, comma-separated]', repeat)
    .option('--max-body <size>', 'largest request body accepted, e.g. 1mb or 65536', '1mb')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [CONNECT_TELEMETRY_LOG_LEVEL] (default: info)')
    .action(async (raw: { listen?: string; db?: string; publicKey?: string[]; maxBody: string; logLevel?: string }) => {
      const o = await options();
      const { collect } = await import('./collect-command.ts');
      setExit(
        await collect(
          {
            listen: o.parseListen(raw.listen ?? (deps.env[o.COLLECTOR_ENV.listen] || undefined) ?? o.DEFAULT_LISTEN),
            db: o.resolveDb(raw.db, deps.env),
            publicKeyFiles: o.resolvePublicKeys(raw.publicKey, deps.env),
            maxBodyBytes: o.parseSize('max-body', raw.maxBody),
            logLevel: o.parseLogLevel(raw.logLevel, deps.env),
          },
          deps,
        ),
      );
    });

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
    .option('--limit <n>', 'most pairs listed; 0 lists all', '100')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'html']).default('table'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (raw: { db?: string; window: string; minUptime: string; minSupport: string; minConfidence: string; plugin?: string; then?: string; limit: string; format: 'table' | 'json' | 'csv' | 'html'; out?: string }) => {
      const o = await options();
      const { report } = await import('./report-command.ts');
      const windowMs = o.durationFlag('window', raw.window);
      if (windowMs < 1) throw new (await import('../lib/errors.ts')).UserError('--window must be longer than zero');
      setExit(
        await report(
          {
            db: o.resolveDb(raw.db, deps.env),
            windowMs,
            minUptimeSeconds: Math.ceil(o.durationFlag('min-uptime', raw.minUptime) / 1000),
            minSupport: o.parseShare('min-support', raw.minSupport),
            minConfidence: o.parseShare('min-confidence', raw.minConfidence),
            plugin: raw.plugin === undefined ? undefined : o.parsePluginRef('plugin', raw.plugin),
            then: raw.then === undefined ? undefined : o.parsePluginRef('then', raw.then),
            limit: o.parseCount('limit', raw.limit),
            format: raw.format,
            out: raw.out,
          },
          deps,
          Date.now(),
        ),
      );
    });

  program
    .command('simulate')
    .description('post reports of a made-up fleet, built from real configs by the sidecar\'s own walker')
    .requiredOption('--endpoint <url>', 'collector URL, e.g. http://127.0.0.1:4300/connect/telemetry')
    .option('--instances <n>', 'how many instances to simulate', '50')
    .option('-c, --config <path>', 'config file or directory of configs (repeatable) (default: the demo configs in examples/demo)', repeat)
    .option('--concurrency <n>', 'requests in flight at once', '8')
    .option('--seed <n>', 'same seed, same fleet', '1')
    .option('--signing-key <pem>', 'RSA private key: send RS256 JWTs (text/plain) as Connect does')
    .action(async (raw: { endpoint: string; instances: string; config?: string[]; concurrency: string; seed: string; signingKey?: string }) => {
      const o = await options();
      const { simulate } = await import('./simulate-command.ts');
      setExit(
        await simulate(
          {
            endpoint: raw.endpoint,
            instances: o.parseCount('instances', raw.instances),
            configs: raw.config ?? [],
            concurrency: Math.max(1, o.parseCount('concurrency', raw.concurrency)),
            seed: o.parseCount('seed', raw.seed),
            signingKeyFile: raw.signingKey,
          },
          deps,
          Date.now(),
        ),
      );
    });

  program
    .command('demo')
    .description('run a collector and a few real sidecars on the demo configs for a few seconds, then print the report')
    .option('--rounds <n>', 'reports each sidecar must send first', '2')
    .option('--timeout <duration>', 'give up waiting after this long', '60s')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (raw: { rounds: string; timeout: string; format: 'table' | 'json' }) => {
      const o = await options();
      const { demo } = await import('./demo-command.ts');
      const { DEMO_CONFIG_DIR } = await import('../simulator/fleet-configs.ts');
      setExit(await demo({ rounds: Math.max(1, o.parseCount('rounds', raw.rounds)), timeoutMs: o.durationFlag('timeout', raw.timeout), format: raw.format, configDir: DEMO_CONFIG_DIR }, deps));
    });
}
