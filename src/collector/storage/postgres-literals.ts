/**
 * Parameters written into a statement's text as PostgreSQL literals, for
 * statements sent together in one simple-protocol message (which takes no
 * parameters). Only the values the write path passes are accepted: null,
 * safe integers, strings, and flat arrays of those; anything else throws.
 * Strings go through pg's escapeLiteral, and array elements are quoted as
 * array syntax wants before that, so no value can end the literal early.
 */
import pg from 'pg';

type Scalar = null | undefined | number | string;

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
  return String(value);
}

function scalar(value: Scalar): string {
  if (value === null || value === undefined) return 'NULL';
  // In parentheses: after a `-` in the statement, a bare `-1` would make `--`, a comment.
  if (typeof value === 'number') return value < 0 ? `(${integer(value)})` : integer(value);
  if (typeof value === 'string') return pg.escapeLiteral(value);
  throw new TypeError(`no literal for a ${typeof value}`);
}

function element(value: Scalar): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return integer(value);
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, '\\$&')}"`;
  throw new TypeError(`no array element for a ${typeof value}`);
}

/** One parameter as a literal: an array becomes the text of an array literal (the statement casts it). */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return pg.escapeLiteral(`{${value.map((v: Scalar) => element(v)).join(',')}}`);
  return scalar(value as Scalar);
}

/** `?` placeholders (the shared query dialect) replaced by the parameters, in order, as literals. */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  let n = 0;
  const text = sql.replace(/\?/g, () => {
    if (n >= params.length) throw new RangeError(`more placeholders than the ${params.length} parameters`);
    return literal(params[n++]);
  });
  if (n !== params.length) throw new RangeError(`${params.length} parameters for ${n} placeholders`);
  return text;
}
