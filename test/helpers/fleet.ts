/**
 * A small fleet whose figures are worked out by hand in the tests, and the
 * helpers to store it and to reach a test PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { Category } from '../../src/catalogue/catalogue.ts';
import type { Storage } from '../../src/collector/storage/storage.ts';
import type { Report } from '../../src/collector/validate-report.ts';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** The end of every window in these tests: 2025-01-31 12:00 UTC. */
export const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);

export const IDS = {
  a: '0a6c2b8e-1f3d-4c5e-9a7b-000000000001',
  b: '0a6c2b8e-1f3d-4c5e-9a7b-000000000002',
  c: 'cv37img8ne4lr5kqcbkg', // an xid, as Connect sends
  d: '0a6c2b8e-1f3d-4c5e-9a7b-000000000004',
  e: '0a6c2b8e-1f3d-4c5e-9a7b-000000000005',
} as const;

const parts = (list: string[]) =>
  list.map((ref) => {
    const [type, name] = ref.split('/') as [Category, string];
    return { type, name };
  });

export function report(id: string, uptime: number, components: string[], os: string, arch: string): Report {
  return { id, uptime, components: parts(components), host: { numCpu: 4, goMaxProcs: 4, goArch: arch, goOS: os } };
}

/**
 * Latest reports (what counts for plugins and pairs):
 *   A  kafka, mapping ×2, aws_s3, mutation   uptime 120s        linux/amd64   at NOW-1d (also NOW-2d)
 *   B  kafka, mapping, aws_s3                uptime 7200s       linux/arm64   at NOW-1d (older NOW-3d: kafka, stdout)
 *   C  http_server, mutation, aws_s3         uptime 200000s     linux/amd64   at NOW-1h
 *   D  kafka, output kafka                   uptime 3000000s    darwin/arm64  at NOW-10d
 *   E  kafka, aws_s3                         (latest at NOW-40d: outside a 30d window)
 */
export const FLEET: [Report, number][] = [
  [report(IDS.e, 50, ['input/kafka', 'output/aws_s3'], 'linux', 'amd64'), NOW - 40 * DAY],
  [report(IDS.b, 7000, ['input/kafka', 'output/stdout'], 'linux', 'arm64'), NOW - 3 * DAY],
  [report(IDS.a, 60, ['input/kafka', 'processor/mapping', 'processor/mapping', 'output/aws_s3', 'processor/mutation'], 'linux', 'amd64'), NOW - 2 * DAY],
  [report(IDS.a, 120, ['input/kafka', 'processor/mapping', 'processor/mapping', 'output/aws_s3', 'processor/mutation'], 'linux', 'amd64'), NOW - DAY],
  [report(IDS.b, 7200, ['input/kafka', 'processor/mapping', 'output/aws_s3'], 'linux', 'arm64'), NOW - DAY],
  [report(IDS.c, 200_000, ['input/http_server', 'processor/mutation', 'output/aws_s3'], 'linux', 'amd64'), NOW - HOUR],
  [report(IDS.d, 3_000_000, ['input/kafka', 'output/kafka'], 'darwin', 'arm64'), NOW - 10 * DAY],
];

export async function storeFleet(storage: Storage, fleet: [Report, number][] = FLEET): Promise<void> {
  for (const [r, at] of fleet) await storage.store(r, at);
}

export function tempDir(t: TestContext, prefix = 'ct-collector-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const GIVEN_PG_URL = process.env['CONNECT_TELEMETRY_TEST_PG_URL'];
export const PG_URL = GIVEN_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty PostgreSQL database for one test (dropped afterwards), or
 * undefined after skipping the test when no PostgreSQL is reachable. A server
 * named by CONNECT_TELEMETRY_TEST_PG_URL must be reachable: then a failure to
 * connect fails the test rather than skipping it.
 */
export async function freshPostgres(t: TestContext): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    if (GIVEN_PG_URL !== undefined) throw new Error(`CONNECT_TELEMETRY_TEST_PG_URL names ${PG_URL}, which does not answer`, { cause: error });
    t.skip(`no PostgreSQL at ${PG_URL} (${error instanceof Error ? error.message : String(error)}); set CONNECT_TELEMETRY_TEST_PG_URL, or run npm run test:pg`);
    return undefined;
  }
  const name = `ct_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  t.after(async () => {
    const drop = new pg.Client({ connectionString: PG_URL });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  });
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
