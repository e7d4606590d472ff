/**
 * Connect replaces environment references in the raw config text before it
 * parses the YAML, and so does the sidecar, by the same rules (benthos
 * `internal/config/env_vars.go`, which Connect 4.112 builds with). Pure: the
 * environment is passed in.
 *
 * - A reference is what Connect's pattern matches, leftmost first:
 *   `\${[0-9A-Za-z_.]+(:((\${[^}]+})|[^}])*)?(?:\|[0-9A-Za-z]+)?}`.
 *   `${VAR}` is the variable's value (empty when unset); `${VAR:default}` is
 *   the default when the variable is unset or empty.
 * - Whatever follows the last `|` of a reference is a function applied to the
 *   value: `base64decode`, or an error.
 * - Newlines in a substituted value become the two characters `\n`, so a
 *   value can never add lines, and so never keys, to the YAML.
 * - Then `${{VAR}}` (and `${{VAR:default}}`) becomes the literal `${VAR}`.
 *   `$${VAR}` is a `$` followed by a reference, and `${!…}` (Bloblang) is no
 *   reference at all.
 *
 * A backtracking regular expression takes quadratic time on hostile text such
 * as `${A:${${${…`, so a config could stall the reader; these scanners find
 * the same matches with bounded work per character (see `BraceScanner`).
 */
import type { Env } from '../lib/env.ts';
import { lineAt } from './line-at.ts';
import { MAX_CONFIG_BYTES } from './read-config-file.ts';

/**
 * The text after substitution is held to the bound a file's size is held to:
 * a small file of many references to a long variable must not grow past what
 * the daemon may hold in memory.
 */
export const MAX_INTERPOLATED_LENGTH = MAX_CONFIG_BYTES;

/** A reference Connect would refuse; `line` is 1-based. The message names no value. */
export class InterpolationError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'InterpolationError';
    this.line = line;
  }
}

const CLOSE = 125;
const PIPE = 124;
const COLON = 58;

const isAlnum = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isNameChar = (code: number) => isAlnum(code) || code === 95 || code === 46;

/** Index just past the run of characters `accept` takes, starting at `from`. */
function runEnd(text: string, from: number, accept: (code: number) => boolean): number {
  let i = from;
  while (i < text.length && accept(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The next `}` (or `${`) at or after a position, remembered so that queries
 * that only move forward read each character once.
 */
class NextFinder {
  private readonly text: string;
  private readonly needle: string;
  private from = -1;
  private at = -1;
  constructor(text: string, needle: string) {
    this.text = text;
    this.needle = needle;
  }
  /** Index of the first needle at or after `i`, or the text's length. */
  after(i: number): number {
    if (i >= this.from && i <= this.at) return this.at;
    const found = this.text.indexOf(this.needle, i);
    this.from = i;
    this.at = found < 0 ? this.text.length : found;
    return this.at;
  }
}

/**
 * Where `((\${[^}]+})|[^}])*` stops when taken greedily from a position: at
 * the first `}` it cannot consume (returned), or at the end of the text.
 * The walk goes from `}` to `}`: a stretch of text that holds a `${` with at
 * least one character before the next `}` is consumed through that `}`, and
 * the first stretch without one stops the walk at its `}`. Every walk that
 * crosses a `}` continues the same way, so one remembered chain serves all of
 * them; queries come in increasing order, so the work stays linear.
 */
class BraceScanner {
  private readonly length: number;
  private readonly start: { close: NextFinder; open: NextFinder };
  private readonly chain: { close: NextFinder; open: NextFinder };
  private chainFrom = -1;
  private chainStop = -1;

  constructor(text: string) {
    this.length = text.length;
    this.start = { close: new NextFinder(text, '}'), open: new NextFinder(text, '${') };
    this.chain = { close: new NextFinder(text, '}'), open: new NextFinder(text, '${') };
  }

  /** Where the greedy walk from `from` stops (a `}`), or the text's length. */
  stop(from: number): number {
    const close = this.start.close.after(from);
    if (close === this.length || this.start.open.after(from) + 2 >= close) return close;
    return this.stopAfter(close);
  }

  /** Where a walk that has just consumed the `}` at `close` stops. */
  private stopAfter(close: number): number {
    const from = close + 1;
    if (from >= this.chainFrom && from <= this.chainStop) return this.chainStop;
    let x = from;
    for (;;) {
      const next = this.chain.close.after(x);
      if (next === this.length || this.chain.open.after(x) + 2 >= next) {
        this.chainFrom = from;
        this.chainStop = next;
        return next;
      }
      x = next + 1;
    }
  }
}

/** The end (exclusive) of the reference whose `${` is at `start`, or -1: Connect's pattern, exactly. */
function referenceEnd(text: string, start: number, scanner: BraceScanner, lastClose: number): number {
  const nameEnd = runEnd(text, start + 2, isNameChar);
  if (nameEnd === start + 2) return -1;
  const next = text.charCodeAt(nameEnd);
  if (next === CLOSE) return nameEnd + 1;
  if (next === PIPE) {
    const end = runEnd(text, nameEnd + 1, isAlnum);
    return end > nameEnd + 1 && text.charCodeAt(end) === CLOSE ? end + 1 : -1;
  }
  if (next !== COLON) return -1;
  const stop = scanner.stop(nameEnd + 1);
  if (stop < text.length) return stop + 1;
  // No `}` ends the default: the pattern backtracks to the end of the last
  // nested `${…}`, which closes at the text's last `}`.
  return lastClose > nameEnd ? lastClose + 1 : -1;
}

/** The end (exclusive) of the escape `${{…}}` at `start`, or -1: Connect's escape pattern, exactly. */
function escapeEnd(text: string, start: number, scanner: BraceScanner): number {
  const nameEnd = runEnd(text, start + 3, isNameChar);
  if (nameEnd === start + 3) return -1;
  const next = text.charCodeAt(nameEnd);
  if (next === CLOSE) return text.charCodeAt(nameEnd + 1) === CLOSE ? nameEnd + 2 : -1;
  if (next !== COLON) return -1;
  const stop = scanner.stop(nameEnd + 1);
  if (stop === text.length) return -1;
  if (text.charCodeAt(stop + 1) === CLOSE) return stop + 2;
  // Backtracking gives back the last nested `${…}` when its `}` sits just
  // before this one, so the two close the escape.
  return stop - 1 > nameEnd && text.charCodeAt(stop - 1) === CLOSE ? stop + 1 : -1;
}

/** Go's base64.StdEncoding: padded, newlines ignored. Undefined when the text is not base64. */
function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

const lookup = (env: Env, name: string): string | undefined => (Object.hasOwn(env, name) ? env[name] : undefined);

/**
 * The text a reference stands for, as Connect computes it: the variable, or
 * the default when it is unset or empty (only when a `:` is present), then
 * the function after the reference's last `|`, then newlines escaped. A
 * string problem when Connect would refuse the reference.
 */
function substitute(reference: string, env: Env): { value: string } | { problem: string } {
  const colon = reference.indexOf(':');
  const body = colon < 0 ? reference.slice(2, -1) : reference.slice(colon + 1, -1);
  const pipe = body.lastIndexOf('|');
  const fn = pipe < 0 ? '' : body.slice(pipe + 1);
  const beforePipe = pipe < 0 ? body : body.slice(0, pipe);
  let value: string;
  if (colon < 0) {
    value = lookup(env, beforePipe) ?? '';
  } else {
    value = lookup(env, reference.slice(2, colon)) ?? '';
    if (value === '') value = beforePipe;
  }
  if (fn === 'base64decode') {
    const decoded = decodeBase64(value);
    if (decoded === undefined) return { problem: 'an environment reference asks for base64decode, but its value is not valid base64' };
    value = decoded;
  } else if (fn !== '') {
    return { problem: 'an environment reference ends in an unknown function after "|" (Connect knows only base64decode)' };
  }
  return { value: value.replaceAll('\n', '\\n') };
}

/** The first pass: every reference replaced by its value. */
function replaceReferences(text: string, env: Env): string {
  const scanner = new BraceScanner(text);
  const lastClose = text.lastIndexOf('}');
  let out = '';
  let copied = 0;
  let i = text.indexOf('${');
  while (i >= 0) {
    const end = referenceEnd(text, i, scanner, lastClose);
    if (end < 0) {
      i = text.indexOf('${', i + 1);
      continue;
    }
    const result = substitute(text.slice(i, end), env);
    if ('problem' in result) {
      const line = lineAt(text, i);
      throw new InterpolationError(`line ${line}: ${result.problem}`, line);
    }
    out += text.slice(copied, i) + result.value;
    if (out.length > MAX_INTERPOLATED_LENGTH) {
      const line = lineAt(text, i);
      throw new InterpolationError(`line ${line}: the config grows past the ${MAX_INTERPOLATED_LENGTH}-byte limit for a config file once its environment references are replaced`, line);
    }
    copied = end;
    i = text.indexOf('${', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The second pass: `${{…}}` → `${…}`. */
function unescapeReferences(text: string): string {
  const scanner = new BraceScanner(text);
  let out = '';
  let copied = 0;
  let i = text.indexOf('${{');
  while (i >= 0) {
    const end = escapeEnd(text, i, scanner);
    if (end < 0) {
      i = text.indexOf('${{', i + 1);
      continue;
    }
    out += text.slice(copied, i) + '$' + text.slice(i + 2, end - 1);
    copied = end;
    i = text.indexOf('${{', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The config text as Connect parses it; throws InterpolationError for a reference Connect refuses. */
export function interpolate(text: string, env: Env): string {
  if (!text.includes('${')) return text;
  return unescapeReferences(replaceReferences(text, env));
}
