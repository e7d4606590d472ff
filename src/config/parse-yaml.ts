/**
 * Parses one config file's text into a plain tree, accepting what Connect's
 * parser (go-yaml v3) accepts. Pure: text in, tree or error out.
 */
import { Composer, isScalar, Lexer, LineCounter, Parser, visit, YAMLParseError, type Document, type YAMLError } from 'yaml';
import { errorMessage } from '../lib/errors.ts';

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
 * Token bound, counted as the lexer hands each token to the parser: parse
 * memory grows with the number of YAML tokens (some hundreds of bytes each),
 * not with the file size, so `[1,1,1,…]` in a few megabytes would otherwise
 * take gigabytes. Parsing stops at the first token past the bound, so no input
 * costs more than a file of exactly that many tokens, and the text is lexed
 * once. A component with a few fields takes 10 to 70 tokens, so the bound
 * holds some 4,000 to 25,000 components in one file; it is set, with the
 * size bound (read-config-file.ts), to keep the daemon within its memory
 * limit.
 */
export const MAX_YAML_TOKENS = 250_000;

/** The lexer's tokens fed to the parser, counted; throws past the bound. */
function* boundedCst(text: string, parser: Parser) {
  let count = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (++count > MAX_YAML_TOKENS) {
      throw new YamlSyntaxError(`the YAML holds more than ${MAX_YAML_TOKENS} tokens, far more than any real config; refusing to parse it`);
    }
    yield* parser.next(lexeme);
  }
  yield* parser.end();
}

// Repeated keys are refused (as go-yaml refuses them) by firstRepeatedKey below,
// not by the parser's own check, which compares each key with every earlier
// one: quadratic, minutes of CPU for one mapping of 30,000 keys.
const PARSE_OPTIONS = { merge: true, uniqueKeys: false, strict: true, logLevel: 'error' } as const;

/**
 * The first mapping key (in the text) that repeats an earlier key of its
 * mapping, compared as the parser compares them: scalar keys with equal
 * values (`1` and `1.0`, `~` and `null` are the same key; NaN never is;
 * each `<<` merge key is a symbol of its own, so merge keys may repeat).
 * One pass over the document, a set per mapping.
 */
function firstRepeatedKey(doc: Document.Parsed): YAMLError | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          const at = key.range?.[0] ?? 0;
          if (first === undefined || at < first) first = at;
        }
        seen.add(key.value);
      }
    },
  });
  return first === undefined ? undefined : new YAMLParseError([first, first + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
}

/** parseAllDocuments, with the token bound applied while lexing. */
function parseDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  lineCounter.addNewLine(0);
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer(PARSE_OPTIONS);
  return Array.from(composer.compose(boundedCst(text, parser)));
}

/** A stack overflow while composing: the only cause is extreme nesting. */
const NESTED_TOO_DEEPLY = 'the YAML is nested too deeply to parse';
const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

const firstLine = (message: string) => message.split('\n', 1)[0] ?? message;

/**
 * The parser's reason without any text taken from the config: some of its
 * messages quote an alias, tag, directive, key or escape from the source, and
 * the reason is logged. The line and column say where to look.
 */
export function withoutSourceText(reason: string): string {
  return reason
    .replace(/^(.*?):\s.*$/s, '$1')
    .replace(/^(Unknown directive|Unsupported YAML version|Unresolved plain scalar|Invalid escape sequence)\b.*$/s, '$1')
    .replace(/^Verbatim tags aren't resolved.*$/s, "Verbatim tags aren't resolved")
    .replace(/^The .* tag has no suffix$/s, 'A tag has no suffix')
    .replace(/^Unexpected (.{3,}) in (.*)$/s, 'Unexpected token in $2');
}

function toSyntaxError(error: YAMLError, lineCounter: LineCounter): YamlSyntaxError {
  const offset = error.pos[0];
  const position = error.linePos?.[0] ?? (offset >= 0 ? lineCounter.linePos(offset) : undefined);
  const where = position ? ` at line ${position.line}, column ${position.col}` : '';
  const reason =
    error.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(error.message)
      ? NESTED_TOO_DEEPLY
      : withoutSourceText(firstLine(error.message).replace(/ at line \d+, column \d+:?$/, ''));
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
  for (let repairs = 0; ; repairs++) {
    const lineCounter = new LineCounter();
    const list = parseDocuments(text, lineCounter);
    const first = list[0];
    const error = first?.errors[0] ?? (first ? firstRepeatedKey(first) : undefined);
    if (error && error.code === 'MISSING_CHAR' && /quote/.test(error.message) && repairs < MAX_REPAIRS) {
      const repaired = indentQuotedContinuation(text, error.pos[0]);
      if (repaired !== undefined && repaired !== text) {
        text = repaired;
        continue;
      }
    }
    if (error) throw toSyntaxError(error, lineCounter);
    if (!first) return { tree: null, ignoredDocuments: 0 };
    try {
      return { tree: first.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), ignoredDocuments: list.length - 1 };
    } catch (cause) {
      if (isStackOverflow(cause)) throw new YamlSyntaxError(`invalid YAML: ${NESTED_TOO_DEEPLY}`);
      throw new YamlSyntaxError(`invalid YAML: ${withoutSourceText(firstLine(errorMessage(cause)))}`);
    }
  }
}
