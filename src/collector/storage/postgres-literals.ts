/**
 * Parameters written as PostgreSQL literals, for statements sent together
 * in one simple-protocol message (which takes no parameters): the
 * arguments of an EXECUTE of a prepared statement, or written into the
 * statement's own text. Only the values the write path passes are accepted: null,
 * safe integers, strings, and flat arrays of those; anything else throws.
 * A string holding a quote or a backslash goes through pg's escapeLiteral
 * (any other is quoted as it is), and array elements are quoted as array
 * syntax wants before that, so no value can end the literal early.
 */
import pg from 'pg';

type Scalar = null | undefined | number | string;

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
  return String(value);
}

/**
 * A string as a quoted literal. Most hold no quote and no backslash (ids,
 * digits, array text of those): those are quoted as they are, which is far
 * cheaper than pg's escapeLiteral walking a long array's text character by
 * character, and means the same with standard_conforming_strings on or off.
 */
function quoted(text: string): string {
  return /['\\]/.test(text) ? pg.escapeLiteral(text) : `'${text}'`;
}

function scalar(value: Scalar): string {
  if (value === null || value === undefined) return 'NULL';
  // In parentheses: after a `-` in the statement, a bare `-1` would make `--`, a comment.
  if (typeof value === 'number') return value < 0 ? `(${integer(value)})` : integer(value);
  if (typeof value === 'string') return quoted(value);
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
  if (Array.isArray(value)) return quoted(`{${value.map((v: Scalar) => element(v)).join(',')}}`);
  return scalar(value as Scalar);
}

/** Parameters as the argument list of an EXECUTE: literals, separated by commas. */
export function literalList(params: readonly unknown[]): string {
  return params.map(literal).join(', ');
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
