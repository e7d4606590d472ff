/**
 * Connect replaces `${VAR}` and `${VAR:default}` in the raw config text with
 * environment values before it parses the YAML; `$${VAR}` is an escaped
 * literal and `${!…}` is a Bloblang interpolation that stays as it is.
 * Pure: the environment is passed in.
 *
 * The references are those of Connect's own pattern,
 *   (\$?)\$\{([0-9A-Za-z_.]+)(?::((?:\$\{[^}]+\}|[^}])*))?\}
 * matched left to right. A backtracking regular expression takes time
 * quadratic (or worse) in the length of an unterminated default such as
 * `${A:${${${…`, so a hostile config could stall the reader; this scanner
 * finds the same matches in one pass.
 */
import type { Env } from '../lib/env.ts';

const isNameChar = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46;

interface Reference {
  /** Index just past the closing `}`. */
  end: number;
  name: string;
  fallback: string | undefined;
}

/**
 * The reference whose `${` starts at `start`, or undefined. `lastClose` is the
 * index of the last `}` in the text, so an unterminated default fails at once.
 */
function referenceAt(text: string, start: number, lastClose: number): Reference | undefined {
  if (text.charCodeAt(start) !== 36 || text.charCodeAt(start + 1) !== 123) return undefined; // `${`
  let i = start + 2;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  if (i === start + 2) return undefined;
  const name = text.slice(start + 2, i);
  if (text[i] === '}') return { end: i + 1, name, fallback: undefined };
  if (text[i] !== ':') return undefined;
  const from = i + 1;
  if (from > lastClose) return undefined;
  // The default runs to the first `}` that is not the end of a nested
  // `${…}` (one or more characters between the braces). When no such `}`
  // follows, the pattern backtracks to the end of the last nested one.
  let lastNestedClose = -1;
  let j = from;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === 125) return { end: j + 1, name, fallback: text.slice(from, j) }; // `}`
    if (code === 36 && text.charCodeAt(j + 1) === 123) {
      const close = text.indexOf('}', j + 2);
      if (close > j + 2) {
        lastNestedClose = close;
        j = close + 1;
        continue;
      }
    }
    j++;
  }
  return lastNestedClose < 0 ? undefined : { end: lastNestedClose + 1, name, fallback: text.slice(from, lastNestedClose) };
}

export function interpolate(text: string, env: Env): string {
  if (!text.includes('${')) return text;
  const lastClose = text.lastIndexOf('}');
  let out = '';
  let copied = 0;
  let i = text.indexOf('$');
  while (i >= 0 && i < text.length) {
    // `$${…}`: the escape keeps the reference as written, without its first `$`.
    const escaped = text.charCodeAt(i + 1) === 36 ? referenceAt(text, i + 1, lastClose) : undefined;
    if (escaped) {
      out += text.slice(copied, i) + text.slice(i + 1, escaped.end);
      copied = escaped.end;
      i = text.indexOf('$', escaped.end);
      continue;
    }
    const reference = referenceAt(text, i, lastClose);
    if (reference) {
      const value = env[reference.name];
      out += text.slice(copied, i) + (value !== undefined && value !== '' ? value : (reference.fallback ?? ''));
      copied = reference.end;
      i = text.indexOf('$', reference.end);
      continue;
    }
    i = text.indexOf('$', i + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}
