/**
 * `collect`: receive reports over HTTP and store them, until SIGTERM. The
 * collector's code loads only when this command runs.
 */
import type { Command } from 'commander';
import type { CommandContext } from './cli-deps.ts';
import { flagOrEnv, logLevelFlag, repeatable, sizeFlag } from './flags.ts';

interface RawCollectOptions {
  listen?: string;
  db?: string;
  publicKey?: string[];
  maxBody: string;
  logLevel?: string;
}

export function defineCollectCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('collect')
    .description('receive reports over HTTP (POST /connect/telemetry) and store them')
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free port [CONNECT_TELEMETRY_LISTEN] (default: 127.0.0.1:4300)')
    .option('--db <path|url>', 'SQLite file, or a postgres:// URL [CONNECT_TELEMETRY_DB] (default: $XDG_DATA_HOME/connect-telemetry/collector.db)')
    .option('--public-key <pem>', 'accept only RS256 JWTs signed by this key (repeatable, for key rotation) [CONNECT_TELEMETRY_PUBLIC_KEY, comma-separated]', repeatable)
    .option('--max-body <size>', 'largest request body accepted, e.g. 1mb or 65536', '1mb')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [CONNECT_TELEMETRY_LOG_LEVEL] (default: info)')
    .action(async (raw: RawCollectOptions) => {
      const [o, { runCollector }] = await Promise.all([import('./collector-options.ts'), import('../collector/run-collector.ts')]);
      const options = {
        listen: o.resolveListen(raw.listen, deps.env),
        db: o.resolveDb(raw.db, deps.env),
        publicKeyFiles: o.resolvePublicKeys(raw.publicKey, deps.env),
        maxBodyBytes: sizeFlag('max-body', raw.maxBody),
        logLevel: logLevelFlag(flagOrEnv(raw.logLevel, deps.env, o.COLLECTOR_ENV.logLevel) ?? 'info'),
      };
      setExit(await runCollector(options, { log: deps.stderr, shutdown: deps.shutdown }));
    });
}
