/**
 * Parses one config file's text into a plain tree, accepting what Connect's
 * parser (go-yaml v3) accepts. Pure: text in, tree or error out.
 */
import { Lexer, parseAllDocuments, type YAMLError } from 'yaml';

export class YamlSyntaxError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

export interface ParsedYaml {
  tree: unknown;
  /** Documents after the first, which Connect ignores too. */
  ignoredDocuments: number;
}

/** Alias expansion bound: enough for real configs, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;
/** How many lenient repairs one file may need before we give up. */
const MAX_REPAIRS = 50;
/**
 * Token bound, checked with the streaming lexer before the parser builds its
 * tree: parse memory grows with the number of YAML tokens (some hundreds of
 * bytes each), not with the file size, so `[1,1,1,…]` in a few megabytes would
 * otherwise take gigabytes. 100,000 components take about 1,000,000 tokens.
 */
export const MAX_YAML_TOKENS = 1_500_000;

function checkTokenCount(text: string): void {
  let count = 0;
  for (const _token of new Lexer().lex(text)) {
    if (++count > MAX_YAML_TOKENS) {
      throw new YamlSyntaxError(`the YAML holds more than ${MAX_YAML_TOKENS} tokens, far more than any real config; refusing to parse it`);
    }
  }
}

/** A stack overflow while composing: the only cause is extreme nesting. */
const NESTED_TOO_DEEPLY = 'the YAML is nested too deeply to parse';
const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

const firstLine = (message: string) => message.split('\n', 1)[0] ?? message;

function toSyntaxError(error: YAMLError): YamlSyntaxError {
  const position = error.linePos?.[0];
  const where = position ? ` at line ${position.line}, column ${position.col}` : '';
  const reason =
    error.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(error.message)
      ? NESTED_TOO_DEEPLY
      : firstLine(error.message).replace(/ at line \d+, column \d+:?$/, '');
  return new YamlSyntaxError(`invalid YAML${where}: ${reason}`, position?.line, position?.col);
}

/**
 * go-yaml lets a multi-line quoted scalar continue on lines indented no deeper
 * than its key (e.g. a closing `]'` under `args_mapping: '[`); strict YAML 1.2
 * does not. Leading white space on continuation lines of a quoted scalar is
 * folded away, so indenting those lines further keeps the value and makes the
 * text valid YAML 1.2. Returns undefined when the scalar cannot be found.
 */
function indentQuotedContinuation(text: string, errorOffset: number): string | undefined {
  // The scalar starts at the last quote before the error that opens a value.
  const opening = /(?:^|[\s:,[{-])(['"])/g;
  let start = -1;
  let quote = '';
  for (let match = opening.exec(text); match && match.index < errorOffset; match = opening.exec(text)) {
    start = match.index + match[0].length - 1;
    quote = match[1] ?? '';
  }
  if (start < 0) return undefined;
  let end = -1;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') {
      i++;
      continue;
    }
    if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const lineStart = text.lastIndexOf('\n', start) + 1;
  const baseIndent = /^[ ]*/.exec(text.slice(lineStart))?.[0].length ?? 0;
  const pad = ' '.repeat(baseIndent + 2);
  const body = text.slice(start, end).replace(/\n[ \t]*(?=\S)/g, (gap) => `\n${pad}${gap.slice(1).trimStart()}`);
  // The closing quote may be the first thing on an under-indented line.
  const fixedBody = body.replace(/\n[ \t]*$/, `\n${pad}`);
  return text.slice(0, start) + fixedBody + text.slice(end);
}

export function parseYaml(source: string): ParsedYaml {
  let text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  checkTokenCount(text);
  for (let repairs = 0; ; repairs++) {
    const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true, strict: true, logLevel: 'error' });
    const list = Array.isArray(documents) ? documents : [];
    const first = list[0];
    const error = first?.errors[0];
    if (error && error.code === 'MISSING_CHAR' && /quote/.test(error.message) && repairs < MAX_REPAIRS) {
      const repaired = indentQuotedContinuation(text, error.pos[0]);
      if (repaired !== undefined && repaired !== text) {
        text = repaired;
        continue;
      }
    }
    if (error) throw toSyntaxError(error);
    if (!first) return { tree: null, ignoredDocuments: 0 };
    try {
      return { tree: first.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), ignoredDocuments: list.length - 1 };
    } catch (cause) {
      if (isStackOverflow(cause)) throw new YamlSyntaxError(`invalid YAML: ${NESTED_TOO_DEEPLY}`);
      throw new YamlSyntaxError(`invalid YAML: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
}
