/**
 * A PostgreSQL server of the suite's own, so its tests may stop it, crash it
 * or freeze it without touching anyone else's: initdb in a temporary
 * directory, a free port on 127.0.0.1, run as the `postgres` user when the
 * tests run as root. Where no PostgreSQL binaries are installed, the reason
 * to skip is returned instead.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import pg from 'pg';

export interface OwnPostgres {
  url: string;
  /** `pg_ctl stop` in this mode (`immediate`: no shutdown checkpoint, as in a crash). */
  stop(mode: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP the server and every one of its processes: it keeps its sockets but answers nothing. */
  freeze(): void;
  thaw(): void;
  /** Thaws, stops and removes the server. */
  remove(): Promise<void>;
}

/** The newest PostgreSQL's bin directory, or undefined. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
  } catch {
    return undefined;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs a PostgreSQL program to its end, as the server's user; rejects with its output on failure. */
function runAs(user: { uid: number; gid: number } | undefined, program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} exited with ${code}: ${output}`))));
  });
}

/** The server's process and all its children (backends, checkpointer, WAL writer…). */
function serverPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // The parent PID is the fourth field, after the command in parentheses.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** A running server of its own, or why there cannot be one here. */
export async function startOwnPostgres(): Promise<OwnPostgres | string> {
  const bin = findBinDir();
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? postgresUser() : undefined;
  if (bin === undefined || (isRoot && user === undefined)) {
    return 'no PostgreSQL server binaries in /usr/lib/postgresql (or no postgres user to run them as root); .ci/run installs them';
  }
  const dir = mkdtempSync(join(tmpdir(), 'ct-own-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  await runAs(user, join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const pgCtl = (args: string[]) => runAs(user, join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
  let frozen: number[] = [];
  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => pgCtl(['-m', mode, '-w', 'stop']),
    start: () => pgCtl(['-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']),
    freeze() {
      frozen = serverPids(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      frozen = [];
    },
    async remove() {
      own.thaw();
      await own.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await own.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return own;
}

/**
 * One server for every test of a file: started before them, removed after.
 * Each test calls `database(t, name)` for a fresh database on it, or is
 * skipped with the reason there can be no server here.
 */
export function ownPostgresForSuite() {
  let server: OwnPostgres | string = 'the server has not started';
  before(async () => (server = await startOwnPostgres()));
  after(async () => {
    if (typeof server !== 'string') await server.remove();
  });
  return {
    /** The server, or undefined after skipping `t`. */
    server(t: TestContext): OwnPostgres | undefined {
      if (typeof server === 'string') {
        t.skip(server);
        return undefined;
      }
      return server;
    },
    /** A fresh database's URL on the server. */
    async database(own: OwnPostgres, name: string): Promise<string> {
      const admin = new pg.Client({ connectionString: own.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return own.url.replace(/\/postgres$/, `/${name}`);
    },
  };
}
