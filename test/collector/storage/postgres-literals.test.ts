/**
 * Parameters written as literals, into statements or as an EXECUTE's
 * arguments: the text each value becomes, the values refused, and (against
 * a real PostgreSQL) hostile strings that come back exactly as they went in.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { inlineParameters, literal, literalList } from '../../../src/collector/storage/postgres-literals.ts';
import { freshPostgres } from '../../helpers/fleet.ts';

const HOSTILE = ["'", "''", '\\', '\\\\', '"', '\\"', '{', '}', ',', 'NULL', 'null', ' spaced ', "x'; DROP TABLE y; --", '$$', 'ü€😀', 'a\nb', '', "E'\\x41'", '); DROP TABLE y; --'];

/** Runs `work` with a client of a fresh database; does nothing without a PostgreSQL. */
async function withClient(t: TestContext, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const url = await freshPostgres(t);
  if (url === undefined) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** `echo` selects its two parameters, a string and an array of strings, as `one` and `many`: each hostile string comes back as it went. */
async function assertEchoesHostile(echo: (params: unknown[]) => Promise<pg.QueryResult>, where = ''): Promise<void> {
  for (const value of HOSTILE) {
    const { rows } = await echo([value, [value, 'x', null]]);
    assert.equal(rows[0].one, value, where);
    assert.deepEqual(rows[0].many, [value, 'x', null], where);
  }
}

describe('literal', () => {
  it('writes null and undefined as NULL', () => {
    assert.equal(literal(null), 'NULL');
    assert.equal(literal(undefined), 'NULL');
  });

  it('writes integers as digits, a negative one in parentheses', () => {
    assert.equal(literal(42), '42');
    assert.equal(literal(1_700_000_000_000), '1700000000000');
    assert.equal(literal(-3), '(-3)');
  });

  it('quotes a string, doubling its quotes', () => {
    assert.equal(literal("it's"), "'it''s'");
  });

  it('quotes a string without quotes or backslashes as it is', () => {
    assert.equal(literal('0b7e-x y'), "'0b7e-x y'");
    assert.equal(literal(''), "''");
  });

  it('writes a backslash so that it means itself', () => {
    assert.equal(literal('a\\b'), " E'a\\\\b'");
  });

  it('writes an array as the text of an array literal, each string element quoted', () => {
    assert.equal(literal([1, null, -2]), "'{1,NULL,-2}'");
    assert.equal(literal(['a', 'b c']), `'{"a","b c"}'`);
    assert.equal(literal([]), "'{}'");
  });

  it('escapes quotes and backslashes inside array elements, then the backslashes for the literal', () => {
    assert.equal(literal(['b"c']), ` E'{"b\\\\"c"}'`);
  });

  it('refuses what the write path never passes: fractions, unsafe integers, booleans, objects', () => {
    assert.throws(() => literal(1.5), TypeError);
    assert.throws(() => literal(2 ** 53), TypeError);
    assert.throws(() => literal(true), TypeError);
    assert.throws(() => literal({}), TypeError);
    assert.throws(() => literal([1.5]), TypeError);
    assert.throws(() => literal([[1]]), TypeError);
  });
});

describe('inlineParameters', () => {
  it('replaces each placeholder by its parameter, in order', () => {
    assert.equal(inlineParameters('SELECT ?::int[], ?, ?', [[1, 2], 'x', null]), "SELECT '{1,2}'::int[], 'x', NULL");
  });

  it('refuses a parameter count that does not match the placeholders', () => {
    assert.throws(() => inlineParameters('SELECT ?, ?', [1]), RangeError);
    assert.throws(() => inlineParameters('SELECT ?', [1, 2]), RangeError);
  });

  it('gives PostgreSQL back every hostile string as it was, alone and in an array', async (t) => {
    await withClient(t, async (client) => {
      const echo = (params: unknown[]) => client.query(inlineParameters('SELECT ?::text AS one, ?::text[] AS many', params));
      await assertEchoesHostile(echo);
    });
  });
});

describe('literalList', () => {
  it('writes the parameters as literals separated by commas', () => {
    assert.equal(literalList([[1, 2], 'x', null, -1]), "'{1,2}', 'x', NULL, (-1)");
    assert.equal(literalList([]), '');
  });

  it('gives PostgreSQL back every hostile string as it was, as the arguments of a prepared statement', async (t) => {
    await withClient(t, async (client) => {
      await client.query('PREPARE echo AS SELECT $1::text AS one, $2::text[] AS many');
      // Also where a backslash in a plain quoted string is an escape (an old server setting).
      for (const conforming of ['on', 'off']) {
        await client.query(`SET standard_conforming_strings = ${conforming}`);
        await assertEchoesHostile((params) => client.query(`EXECUTE echo(${literalList(params)})`), `standard_conforming_strings ${conforming}`);
      }
    });
  });
});
