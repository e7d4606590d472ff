import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { MAX_YAML_TOKENS, parseYaml, withoutSourceText, YamlSyntaxError } from '../../src/config/parse-yaml.ts';

describe('parseYaml', () => {
  it('parses a mapping', () => assert.deepEqual(parseYaml('input:\n  generate: {}\n').tree, { input: { generate: {} } }));

  it('accepts a multi-line quoted scalar closed at its key indentation, as go-yaml does', () => {
    const text = "output:\n  sql_insert:\n    args_mapping: '[\n        this.id,\n    ]'\n    table: foo\nmetrics:\n  none: {}\n";
    assert.deepEqual(parseYaml(text).tree, { output: { sql_insert: { args_mapping: '[ this.id, ]', table: 'foo' } }, metrics: { none: {} } });
  });

  it('accepts the same with double quotes', () => {
    const text = 'a:\n  b: "x\n  y"\n  c: 1\n';
    assert.deepEqual(parseYaml(text).tree, { a: { b: 'x y', c: 1 } });
  });

  it('strips a UTF-8 byte order mark', () => assert.deepEqual(parseYaml('\ufeffa: 1\n').tree, { a: 1 }));

  it('reads only the first of several documents, like Connect', () => {
    const parsed = parseYaml('a: 1\n---\nb: 2\n');
    assert.deepEqual(parsed.tree, { a: 1 });
    assert.equal(parsed.ignoredDocuments, 1);
  });

  it('reports line and column of a syntax error', () => {
    try {
      parseYaml('input:\n  generate: {\n  bad\n');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof YamlSyntaxError);
      assert.match(error.message, /^invalid YAML at line \d+, column \d+: /);
      assert.ok(error.line !== undefined && error.line >= 2);
    }
  });

  it('refuses duplicate keys, as go-yaml does', () => assert.throws(() => parseYaml('a: 1\na: 2\n'), /invalid YAML .*unique/i));

  it('bounds alias expansion ("billion laughs")', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    assert.throws(() => parseYaml(levels.join('\n') + '\n'), /invalid YAML: .*alias/i);
  });

  it('gives an empty file an empty tree', () => assert.equal(parseYaml('').tree, null));
});

describe('parseYaml, more of what go-yaml accepts and what it refuses', () => {
  it('repairs a multi-line single-quoted scalar that holds a doubled quote', () => {
    assert.deepEqual(parseYaml("a:\n  b: 'it''s\n  fine'\n  c: 1\n").tree, { a: { b: "it's fine", c: 1 } });
  });

  it('repairs a multi-line double-quoted scalar with an escaped quote on its last line', () => {
    assert.deepEqual(parseYaml('a:\n  b: "say\n  \\"hi\\""\n  c: 1\n').tree, { a: { b: 'say "hi"', c: 1 } });
  });

  it('refuses a quoted scalar that is never closed', () => {
    assert.throws(() => parseYaml("a: 'never closed\nb: 1\n"), (error: unknown) => error instanceof YamlSyntaxError && /^invalid YAML at line \d+, column \d+: /.test(error.message));
  });

  it('refuses a file of more tokens than the bound, before building the tree', () => {
    const text = `a: [${'1,'.repeat(MAX_YAML_TOKENS / 2)}1]\n`;
    assert.throws(() => parseYaml(text), new RegExp(`the YAML holds more than ${MAX_YAML_TOKENS} tokens`));
  });

  it('refuses nesting deep enough to overflow the stack with one clear reason', () => {
    assert.throws(
      () => parseYaml(`a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
      (error: unknown) => error instanceof YamlSyntaxError && /^invalid YAML( at line \d+, column \d+)?: the YAML is nested too deeply to parse$/.test(error.message),
    );
  });

  it('never quotes the config in an error message, which is logged', () => {
    const secret = 'cnrysecret';
    const snippets = [
      `a: *${secret}\n`,
      `a: !${secret} [\n`,
      `%YAML 9.${secret}\n---\na: 1\n`,
      `a: "\\x${secret}"\n`,
      `a: |${secret}\n  x\n`,
      `${secret}: 1\n${secret}: 2\n`,
      `a: &${secret} 1\nb: *${secret}\nc: *${secret}x\n`,
    ];
    for (const snippet of snippets) {
      assert.throws(
        () => parseYaml(snippet),
        (error: unknown) => error instanceof YamlSyntaxError && error.message.startsWith('invalid YAML') && !error.message.includes(secret),
        JSON.stringify(snippet),
      );
    }
  });
});

describe('withoutSourceText', () => {
  // Reasons shaped as the parser writes them, each with a piece of config in it.
  const cases: [string, string][] = [
    ['Unresolved alias (the anchor must be set before the alias): cnry', 'Unresolved alias (the anchor must be set before the alias)'],
    ['Some reason: cnry\nand more: cnry', 'Some reason'],
    ['Unknown directive %cnry', 'Unknown directive'],
    ['Unsupported YAML version 9.cnry', 'Unsupported YAML version'],
    ['Unresolved plain scalar cnry', 'Unresolved plain scalar'],
    ['Invalid escape sequence \\xcnry', 'Invalid escape sequence'],
    ["Verbatim tags aren't resolved, so !<cnry> is invalid.", "Verbatim tags aren't resolved"],
    ['The !cnry! tag has no suffix', 'A tag has no suffix'],
    ['Unexpected cnry in flow map', 'Unexpected token in flow map'],
    // Nothing from the config: kept as it is.
    ['Unexpected ] in block map', 'Unexpected ] in block map'],
    ['Map keys must be unique', 'Map keys must be unique'],
  ];
  for (const [reason, kept] of cases) {
    it(`${JSON.stringify(reason)} → ${JSON.stringify(kept)}`, () => assert.equal(withoutSourceText(reason), kept));
  }
});

describe('parseYaml, repeated keys', () => {
  const refuses = (text: string) => assert.throws(() => parseYaml(text), (error: unknown) => error instanceof YamlSyntaxError && /unique/.test(error.message));

  it('refuses keys that are the same value however written: 1 and 1.0, ~ and null, true and True', () => {
    refuses('1: a\n1.0: b\n');
    refuses('~: a\nnull: b\n');
    refuses('true: 1\nTrue: 2\n');
  });

  it('tells keys of different types apart: 1 and "1" are two keys', () => {
    assert.deepEqual(parseYaml('1: a\n"1": b\n').tree, { 1: 'b' });
  });

  it('lets merge keys repeat', () => {
    assert.deepEqual(parseYaml('x: &x {p: 1}\ny: &y {q: 2}\nb:\n  <<: *x\n  <<: *y\n').tree, { x: { p: 1 }, y: { q: 2 }, b: { p: 1, q: 2 } });
  });

  it('names the line of the first repeat in the text, also when a later mapping holds one too', () => {
    assert.throws(() => parseYaml('a:\n  b: 1\n  b: 2\nc: 1\nc: 2\n'), /line 3, column 3/);
  });

  it('refuses exactly what the yaml library itself refuses as a repeated key (property)', () => {
    // The library's own (quadratic) check is the reference here, on small documents.
    const key = fc.constantFrom('a', "'a'", '"a"', 'b', '1', '1.0', '"1"', '~', 'null', 'true', 'True', '.nan', '0x1');
    const mapping = (depth: number): fc.Arbitrary<string> =>
      fc.array(fc.tuple(key, depth > 0 ? fc.oneof(fc.constant('v'), mapping(depth - 1)) : fc.constant('v')), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    fc.assert(
      fc.property(mapping(2), (text) => {
        const reference = parseDocument(text, { merge: true, uniqueKeys: true, strict: true }).errors.some((error) => error.code === 'DUPLICATE_KEY');
        let refused = false;
        try {
          parseYaml(text);
        } catch (error) {
          refused = /unique/.test(String(error));
        }
        assert.equal(refused, reference, text);
      }),
      { numRuns: 2000 },
    );
  });
});
