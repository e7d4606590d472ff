/**
 * `collect`: receive reports over HTTP and store them, until SIGTERM. The
 * collector's code loads only when this command runs.
 */
import type { Command } from 'commander';
import type { CollectorUi } from '../collector/run-collector.ts';
import type { CommandContext } from './cli-deps.ts';
import type { RawCollectOptions } from './collector-options.ts';
import { repeatable } from './flags.ts';

export function defineCollectCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('collect')
    .description('receive reports over HTTP (POST /connect/telemetry) and store them')
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free port [CONNECT_TELEMETRY_LISTEN] (default: 127.0.0.1:4300)')
    .option('--db <path|url>', 'SQLite file, or a postgres:// URL [CONNECT_TELEMETRY_DB] (default: $XDG_DATA_HOME/connect-telemetry/collector.db)')
    .option('--public-key <pem>', 'accept only RS256 JWTs signed by this key (repeatable, for key rotation) [CONNECT_TELEMETRY_PUBLIC_KEY, comma-separated]', repeatable)
    .option('--schema <file>', 'a catalogue from `rpk connect list --format jsonschema` whose names are known beside the bundled ones (repeatable) [CONNECT_TELEMETRY_SCHEMA, comma-separated]', repeatable)
    .option('--max-body <size>', 'largest request body accepted, e.g. 1mb or 65536', '1mb')
    .option('--header-timeout <duration>', 'the request head must arrive within this', '10s')
    .option('--body-timeout <duration>', 'the whole request, body included, must arrive within this', '30s')
    .option('--keep-alive-timeout <duration>', 'close a keep-alive connection idle for this long', '5s')
    .option('--max-connections <n>', 'connections open at most; at the limit the one that waited longest makes room', '512')
    .option('--rate-limit <duration>', 'store at most one report per instance ID per this long; others get 429 (default: no limit)')
    .option('--db-timeout <duration>', 'deadline of every database statement; past it the report gets 503', '5s')
    .option('--retain <duration>', 'prune reports older than this in the background (default: keep everything)')
    .option('--max-token-age <duration>', 'refuse signed reports issued (iat) longer ago than this', '24h')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [CONNECT_TELEMETRY_LOG_LEVEL] (default: info)')
    .option('--ui', 'also serve the dashboard (/ui/) and its JSON (/api/report) on the --listen address')
    .option('--ui-listen <host:port>', 'serve the dashboard on this address of its own instead (implies --ui), e.g. 127.0.0.1:4301')
    .action(async (raw: RawCollectOptions) => {
      const [o, { runCollector }] = await Promise.all([import('./collector-options.ts'), import('../collector/run-collector.ts')]);
      const uiListen = raw.uiListen === undefined ? undefined : o.parseListen(raw.uiListen, 'ui-listen');
      const ui = raw.ui || uiListen !== undefined ? await dashboard(uiListen) : undefined;
      setExit(await runCollector({ ...o.resolveCollectOptions(raw, deps.env), ui }, { log: deps.stderr, shutdown: deps.shutdown }));
    });
}

/** The dashboard's routes over the collector's store; loaded only with --ui. */
async function dashboard(listen: { host: string; port: number } | undefined): Promise<CollectorUi> {
  const { createDashboardRoutes } = await import('../analysis/dashboard/dashboard-routes.ts');
  return { routes: (storage) => createDashboardRoutes({ reader: storage, now: Date.now }), listen };
}
