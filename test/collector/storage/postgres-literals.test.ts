/**
 * Parameters written into statements as literals: the text each value
 * becomes, the values refused, and (against a real PostgreSQL) hostile
 * strings that come back exactly as they went in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { inlineParameters, literal } from '../../../src/collector/storage/postgres-literals.ts';
import { freshPostgres } from '../../helpers/fleet.ts';

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
    const url = await freshPostgres(t);
    if (url === undefined) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const hostile = ["'", "''", '\\', '\\\\', '"', '\\"', '{', '}', ',', 'NULL', 'null', ' spaced ', "x'; DROP TABLE y; --", '$$', 'ü€😀', 'a\nb', ''];
    try {
      for (const value of hostile) {
        const { rows } = await client.query(inlineParameters('SELECT ?::text AS one, ?::text[] AS many', [value, [value, 'x', null]]));
        assert.equal(rows[0].one, value);
        assert.deepEqual(rows[0].many, [value, 'x', null]);
      }
    } finally {
      await client.end();
    }
  });
});
