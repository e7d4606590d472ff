/**
 * Statements on one PostgreSQL client in the shared query dialect: `?`
 * placeholders numbered as PostgreSQL wants them, rows out; or the
 * statements of one turn of the event loop sent as one message. Transactions,
 * deadlines and faults are the pool's (postgres-pool.ts).
 */
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { inlineParameters, literalList } from './postgres-literals.ts';
import type { Row } from './storage.ts';

/** `?` placeholders (the shared query dialect) to PostgreSQL's `$1, $2…`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Runs statements on one client: shared-dialect SQL and parameters in, rows out. */
export type Exec = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export const execOn =
  (client: pg.ClientBase): Exec =>
  async (sql, params = []) =>
    (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];

interface Prepared {
  name: string;
  parameters: number;
}

/** The statements prepared on a pool's connections (a session keeps them until it ends), by their text. */
export interface PreparedStatements {
  readonly sessions: WeakMap<pg.ClientBase, Map<string, Prepared>>;
  /**
   * Set once a server did not know a statement prepared on its session: a
   * pooler in transaction mode hands each transaction to any server
   * session, so from then on the pool's statements are sent whole.
   */
  whole: boolean;
}

export const preparedStatements = (): PreparedStatements => ({ sessions: new WeakMap(), whole: false });

/**
 * Names are never reused: a PREPARE sent in a message that failed may or
 * may not exist on the server, so it is forgotten here and a later one gets
 * a fresh name rather than colliding with it. The random part keeps the
 * names of collectors sharing a server session (through a pooler) apart.
 */
const NAME_PREFIX = `ct_${randomBytes(4).toString('hex')}_`;
let preparedCount = 0;

/** The SQLSTATE of a prepared statement the server's session does not know. */
export const UNKNOWN_STATEMENT = '26000';

/**
 * Like execOn, but the statements issued in one turn of the event loop go
 * to the server as one message (one simple query holding them all): one
 * write, one wake-up of the server and one answer, instead of one of each
 * per statement (these are what a batch's time goes to on a busy machine,
 * more than the statements' work). With `prepared`, a statement with
 * parameters is prepared once per connection (its PREPARE joins the first
 * message that uses it) and then executed by name with its parameters
 * written in as literals, so the server does not parse its text again for
 * every batch; otherwise the parameters are written into the statement.
 * The server runs the statements in order, each in a snapshot of its own
 * (READ COMMITTED); should one fail, the ones after it are skipped and
 * every call of the message rejects with that error. Each call must be a
 * single statement (its answer is found by position).
 */
export function coalescingExecOn(client: pg.ClientBase, prepared?: PreparedStatements): Exec {
  const session = prepared?.sessions.get(client) ?? new Map<string, Prepared>();
  prepared?.sessions.set(client, session);
  let queued: { sql: string; resolve: (rows: Row[]) => void; reject: (error: unknown) => void }[] = [];
  let preparing = new Map<string, Prepared>();
  const send = async () => {
    const statements = queued;
    const sent = preparing;
    queued = [];
    preparing = new Map();
    try {
      const answer: pg.QueryResult | pg.QueryResult[] = await client.query(statements.map((s) => s.sql).join(';\n'));
      for (const [sql, statement] of sent) session.set(sql, statement);
      const results = Array.isArray(answer) ? answer : [answer];
      statements.forEach((s, i) => s.resolve((results[i]?.rows ?? []) as Row[]));
    } catch (error) {
      if (prepared && (error as { code?: unknown }).code === UNKNOWN_STATEMENT) prepared.whole = true;
      for (const s of statements) s.reject(error);
    }
  };
  const enqueue = (sql: string, resolve: (rows: Row[]) => void, reject: (error: unknown) => void) => {
    if (queued.length === 0) setImmediate(() => void send());
    queued.push({ sql, resolve, reject });
  };
  const preparedFor = (sql: string): Prepared => {
    const known = session.get(sql) ?? preparing.get(sql);
    if (known !== undefined) return known;
    const text = numberPlaceholders(sql);
    const statement = { name: `${NAME_PREFIX}${++preparedCount}`, parameters: (text.match(/\$\d+/g) ?? []).length };
    preparing.set(sql, statement);
    // Its answer is an empty result at its own position; an error in it fails the message like any other.
    enqueue(`PREPARE ${statement.name} AS ${text}`, () => undefined, () => undefined);
    return statement;
  };
  const statementText = (sql: string, params: readonly unknown[]): string => {
    if (params.length === 0 || !prepared || prepared.whole) return inlineParameters(sql, params);
    const { name, parameters } = preparedFor(sql);
    if (parameters !== params.length) throw new RangeError(`${params.length} parameters for ${parameters} placeholders`);
    return `EXECUTE ${name}(${literalList(params)})`;
  };
  return (sql, params = []) => new Promise<Row[]>((resolve, reject) => enqueue(statementText(sql, params), resolve, reject));
}
