/**
 * The command line: flags, environment fallbacks and exit codes. No logic
 * lives here; each command is a function in its own module, loaded only when
 * that command runs.
 */
import { randomUUID } from 'node:crypto';
import { Command, CommanderError, Option } from 'commander';
import { UserError, errorMessage } from '../lib/errors.ts';
import { registerCollectorCommands } from './collector-commands.ts';
import { resolveRunOptions, type Env, type RawOptions } from './run-options.ts';
import { preferSmallFootprint } from '../sidecar/small-footprint.ts';
import { VERSION } from '../lib/version.ts';

export interface CliDeps {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted when the process is asked to stop (SIGTERM, SIGINT). */
  shutdown: AbortSignal;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Flags that choose and read configs, shared by run and inspect. */
function configOptions(command: Command): Command {
  return command
    .option('-c, --config <path>', 'Connect config file, or a streams directory (repeatable) [CONNECT_TELEMETRY_CONFIG, comma-separated]', collect)
    .option('-r, --resources <path>', 'resource file or glob (repeatable) [CONNECT_TELEMETRY_RESOURCES, comma-separated]', collect)
    .option('--schema <file>', 'component catalogue from `rpk connect list --format jsonschema` instead of the bundled one [CONNECT_TELEMETRY_SCHEMA]');
}

function buildProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const program = new Command('connect-telemetry')
    .description('Reports which Redpanda Connect plugins a config uses, and collects and analyses such reports.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .showHelpAfterError('(run with --help for usage)');

  configOptions(program.command('run', { isDefault: true }))
    .description('watch the config and report its components on a schedule (the default command)')
    .option('--state-dir <dir>', 'where the instance ID and first start time are kept [CONNECT_TELEMETRY_STATE_DIR] (default: $XDG_STATE_HOME/connect-telemetry or ~/.local/state/connect-telemetry)')
    .option('--endpoint <url>', 'collection server URL; without one nothing is sent [CONNECT_TELEMETRY_ENDPOINT]')
    .addOption(new Option('--schedule <name>', 'preset delay and period: default (7d, then 1h) or benthos (5m, then 24h) [CONNECT_TELEMETRY_SCHEDULE]').choices(['default', 'benthos']))
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
        const [{ dryRun }, sources, catalogue, host] = await Promise.all([
          import('./dry-run-command.ts'),
          configSources(options.configs, options.resources, deps),
          loadCatalogueFor(options.schema),
          import('../sidecar/send/host-info.ts'),
        ]);
        await dryRun(sources, options.stateDir, catalogue, {
          cwd: deps.cwd,
          env: deps.env,
          now: Date.now,
          randomId: randomUUID,
          hostInfo: host.readHostInfo(),
          stdout: deps.stdout,
          stderr: deps.stderr,
        });
        return;
      }
      preferSmallFootprint();
      const { startDaemonFromCli } = await import('./run-command.ts');
      setExit(await startDaemonFromCli(options, deps));
    });

  configOptions(program.command('inspect'))
    .description('show every component found, where it is and what it counts as (local only; nothing is sent)')
    .option('--json', 'print JSON instead of a table')
    .action(async (raw: { config?: string[]; resources?: string[]; schema?: string; json?: boolean }) => {
      const options = resolveRunOptions({ config: raw.config, resources: raw.resources, schema: raw.schema } as RawOptions, deps.env);
      const [{ inspect }, sources, catalogue] = await Promise.all([
        import('./inspect-command.ts'),
        configSources(options.configs, options.resources, deps),
        loadCatalogueFor(options.schema),
      ]);
      await inspect(sources, catalogue, { cwd: deps.cwd, env: deps.env, json: raw.json === true, stdout: deps.stdout, stderr: deps.stderr });
    });

  program
    .command('status')
    .description("show this instance's ID, uptime, next report and last outcome")
    .option('--state-dir <dir>', 'state directory [CONNECT_TELEMETRY_STATE_DIR]')
    .addOption(new Option('--schedule <name>', 'schedule preset [CONNECT_TELEMETRY_SCHEDULE]').choices(['default', 'benthos']))
    .option('--delay <duration>', 'as given to the daemon [CONNECT_TELEMETRY_DELAY]')
    .option('--period <duration>', 'as given to the daemon [CONNECT_TELEMETRY_PERIOD]')
    .option('--endpoint <url>', 'as given to the daemon [CONNECT_TELEMETRY_ENDPOINT]')
    .option('--disable-telemetry', 'as given to the daemon')
    .option('--json', 'print JSON')
    .action(async (raw: RawOptions & { json?: boolean }) => {
      const options = resolveRunOptions(raw, deps.env);
      const { status } = await import('./status-command.ts');
      await status(options, { json: raw.json === true, now: Date.now, stdout: deps.stdout });
    });

  registerCollectorCommands(program, deps, setExit);
  return program;
}

async function configSources(configs: string[], resources: string[], deps: CliDeps) {
  if (configs.length > 0) return { configs, resources };
  const { requireDefaultConfig } = await import('../config/find-default-config.ts');
  const found = await requireDefaultConfig(deps.cwd);
  deps.stderr(`using config ${found} (Connect's default location)\n`);
  return { configs: [found], resources };
}

async function loadCatalogueFor(schema: string | undefined) {
  const { loadCatalogue } = await import('../catalogue/load-catalogue.ts');
  return loadCatalogue(schema);
}

/** Runs the CLI and returns the exit code. Never calls process.exit. */
export async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(deps, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      deps.stderr(`connect-telemetry: ${error.message}\n`);
      return error.exitCode;
    }
    deps.stderr(`connect-telemetry: unexpected error: ${errorMessage(error)}\n`);
    return 1;
  }
}
