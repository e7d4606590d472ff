/**
 * The floor for `report`: one plain scan of the same instances, in a process
 * of its own: the active-instance filter and a sum over the columns the
 * report reads, nothing else. `node bench/scan-floor.ts <sqlite file | postgres url> <from> <to>`.
 */
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

const [target, from, to] = process.argv.slice(2) as [string, string, string];
const SCAN = 'SELECT COUNT(*) AS n, SUM(set_id) AS s, SUM(host_id) AS h, SUM(uptime) AS u FROM instances WHERE last_seen_at >= $1 AND last_seen_at <= $2 AND uptime >= $3';
if (/^postgres/.test(target)) {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  const { rows } = await client.query(SCAN, [from, to, 0]);
  process.stdout.write(`${rows[0].n}\n`);
  await client.end();
} else {
  const db = new DatabaseSync(target, { readOnly: true });
  const row = db.prepare(SCAN.replace(/\$\d/g, '?')).get(Number(from), Number(to), 0) as { n: number };
  process.stdout.write(`${row.n}\n`);
  db.close();
}
