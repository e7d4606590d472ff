/**
 * Reads an env file (`-e`) exactly as Connect reads one: Connect parses them
 * with its own grammar (benthos `internal/bloblang/parser/dot_env_parser.go`),
 * which differs from the usual dotenv packages, so the sidecar follows it
 * rather than one of them. Pure: text in, variables out.
 *
 * - A line is `NAME=value`, blank, or a `#` comment. NAME is any run of
 *   characters but `=`, space, `#` and line breaks (a tab is part of it);
 *   spaces may stand around `=`, and spaces or tabs after the value.
 * - A value is unquoted (it ends at a space or `#`), `"double quoted"` with
 *   Go's escapes (`\n`, `\t`, `\"`, `\x41`, `\u00e9`…), or `"""triple
 *   quoted"""` taken as written, across lines. Single quotes are kept as
 *   written, and there is no `export` prefix and no `${…}` expansion.
 * - A `#` after a value starts a comment. A later line overrides an earlier one.
 * - Like Connect, reading stops quietly after the first line that holds more
 *   than one of these (say `NAME=two words`): the lines after it are not read.
 *   `stoppedAtLine` says where, so the caller can warn.
 */
import { lineAt } from './line-at.ts';

export interface ParsedEnvFile {
  vars: Map<string, string>;
  /** The 1-based line after which Connect stops reading the file, when it stops early. */
  stoppedAtLine?: number;
}

/** A file Connect refuses to read; the message says where and what, never a value. */
export class EnvFileSyntaxError extends Error {
  readonly line: number;
  constructor(what: string, line: number) {
    super(`line ${line}: ${what}`);
    this.name = 'EnvFileSyntaxError';
    this.line = line;
  }
}

/** A failure at `at`; a fatal one ends the parse, any other lets the next alternative try. */
interface Failure {
  at: number;
  fatal?: string;
}
type Step<T> = { end: number; value: T } | { failure: Failure };

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** Index past a run of characters not in `stops` (at least one), or -1. */
function runNotIn(text: string, from: number, stops: string): number {
  let i = from;
  while (i < text.length && !stops.includes(text[i] as string)) i++;
  return i > from ? i : -1;
}

function blanksEnd(text: string, from: number): number {
  let i = from;
  while (isBlank(text[i])) i++;
  return i;
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Go's strconv.Unquote for a double-quoted literal (quotes included): the
 * escapes Go knows, `\x` and octal escapes as bytes. Undefined when Go
 * refuses it.
 */
export function unquoteGo(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  if (body.includes('\n')) return undefined;
  const bytes: number[] = [];
  const pushText = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c !== '\\') {
      const codePoint = body.codePointAt(i) as number;
      const char = String.fromCodePoint(codePoint);
      pushText(char);
      i += char.length;
      continue;
    }
    const kind = body[i + 1];
    if (kind === undefined) return undefined;
    if (Object.hasOwn(simple, kind)) {
      pushText(simple[kind] as string);
      i += 2;
    } else if (kind === 'x' || kind === 'u' || kind === 'U') {
      const width = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
      const digits = body.slice(i + 2, i + 2 + width);
      if (digits.length !== width || !HEX.test(digits)) return undefined;
      const value = parseInt(digits, 16);
      if (kind === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      else pushText(String.fromCodePoint(value));
      i += 2 + width;
    } else if (kind >= '0' && kind <= '7') {
      const digits = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) return undefined;
      bytes.push(parseInt(digits, 8));
      i += 4;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** True when at least `count` characters (code points, as Go counts runes) follow `from`. */
function hasCharacters(text: string, from: number, count: number): boolean {
  let i = from;
  for (let seen = 0; seen < count; seen++) {
    if (i >= text.length) return false;
    i += (text.codePointAt(i) as number) > 0xffff ? 2 : 1;
  }
  return true;
}

/** `"""…"""`: everything up to the next three quotes, as written. */
function tripleQuoted(text: string, from: number): Step<string> {
  if (!text.startsWith('"""', from) || !hasCharacters(text, from, 6)) return { failure: { at: from } };
  const close = text.indexOf('"""', from + 3);
  if (close < 0) return { failure: { at: text.length, fatal: 'a """ value has no closing """' } };
  return { end: close + 3, value: text.slice(from + 3, close) };
}

/** `"…"`: up to the first quote not escaped by a backslash, then Go's unquoting. */
function doubleQuoted(text: string, from: number): Step<string> {
  if (text[from] !== '"') return { failure: { at: from } };
  let escaped = false;
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && !escaped) {
      const value = unquoteGo(text.slice(from, i + 1));
      if (value === undefined) return { failure: { at: from, fatal: 'a quoted value holds a line break or an escape Go does not accept' } };
      return { end: i + 1, value };
    }
    escaped = c === '\\' ? !escaped : false;
  }
  return { failure: { at: text.length, fatal: 'a quoted value has no closing quote' } };
}

/** `NAME = value`, with blanks around `=` and after the value. */
function assignment(text: string, from: number): Step<[string, string]> {
  const nameEnd = runNotIn(text, from, '= \n\r#');
  if (nameEnd < 0) return { failure: { at: from } };
  const equals = blanksEnd(text, nameEnd);
  if (text[equals] !== '=') return { failure: { at: equals } };
  const valueStart = blanksEnd(text, equals + 1);
  let value = '';
  let valueEnd = valueStart;
  for (const quoted of [tripleQuoted, doubleQuoted]) {
    const step = quoted(text, valueStart);
    if ('failure' in step && step.failure.fatal !== undefined) return step;
    if ('end' in step) {
      ({ end: valueEnd, value } = step);
      break;
    }
  }
  if (valueEnd === valueStart) {
    const plainEnd = runNotIn(text, valueStart, '# \n\r');
    if (plainEnd > 0) {
      value = text.slice(valueStart, plainEnd);
      valueEnd = plainEnd;
    }
  }
  return { end: blanksEnd(text, valueEnd), value: [text.slice(from, nameEnd), value] };
}

/** One line: an assignment, blanks only, an empty line, the end, or a comment. */
function line(text: string, from: number): Step<[string, string] | undefined> {
  const assigned = assignment(text, from);
  if ('end' in assigned || assigned.failure.fatal !== undefined) return assigned;
  if (isBlank(text[from])) return { end: blanksEnd(text, from), value: undefined };
  if (from === text.length || text[from] === '\n' || text.startsWith('\r\n', from)) return { end: from, value: undefined };
  if (text[from] === '#') {
    const newline = text.indexOf('\n', from);
    return { end: newline < 0 ? text.length : newline, value: undefined };
  }
  return { failure: { at: from } };
}

/** A line break, optionally after a `#` comment; -1 when there is none here. */
function lineBreakEnd(text: string, from: number): number {
  if (text[from] === '#') {
    const newline = text.indexOf('\n', from);
    return newline < 0 ? -1 : newline + 1;
  }
  if (text[from] === '\n') return from + 1;
  if (text.startsWith('\r\n', from)) return from + 2;
  return -1;
}

export function parseEnvFile(text: string): ParsedEnvFile {
  const vars = new Map<string, string>();
  let at = 0;
  for (let first = true; ; first = false) {
    let start = at;
    if (!first) {
      const next = lineBreakEnd(text, at);
      if (next < 0) return at < text.length ? { vars, stoppedAtLine: lineAt(text, at) } : { vars };
      start = next;
    }
    const step = line(text, start);
    if ('failure' in step) {
      throw new EnvFileSyntaxError(step.failure.fatal ?? 'expected NAME=value, a blank line or a # comment', lineAt(text, step.failure.fatal ? start : step.failure.at));
    }
    if (step.value) vars.set(step.value[0], step.value[1]);
    at = step.end;
  }
}
