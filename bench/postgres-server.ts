/**
 * A PostgreSQL for the benchmark: the server BENCH_PG_URL names (it must let
 * us create databases), or, when run as root on a machine with Debian's
 * PostgreSQL installed (as CI is), a throwaway cluster started as .ci/run
 * starts one, stopped and removed by stop(). Undefined when neither works.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchPostgres {
  /** The server's own database, for administration (and for other benchmark processes to reuse the server). */
  serverUrl: string;
  /** A fresh, empty database on the server. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function binDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const version = readdirSync(base).sort((a, b) => Number(a) - Number(b)).pop();
  return version && existsSync(join(base, version, 'bin', 'pg_ctl')) ? join(base, version, 'bin') : undefined;
}

async function startCluster(): Promise<{ url: string; stop: () => void } | undefined> {
  const bin = binDir();
  if (!bin || process.getuid?.() !== 0 || spawnSync('id', ['postgres']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const asPostgres = (command: string) => execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'ignore' });
  asPostgres(`'${bin}/initdb' -D '${dir}/data' -U postgres --auth=trust -E UTF8`);
  asPostgres(`'${bin}/pg_ctl' -D '${dir}/data' -l '${dir}/server.log' -w -o '-p ${port} -k /tmp -c listen_addresses=127.0.0.1' start`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        asPostgres(`'${bin}/pg_ctl' -D '${dir}/data' -m fast -w stop`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function benchPostgres(given: string | undefined): Promise<BenchPostgres | undefined> {
  const server = given ? { url: given, stop: () => undefined } : await startCluster();
  if (!server) return undefined;
  const created: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    serverUrl: server.url,
    async database(name) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      if (given) for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      server.stop();
    },
  };
}
