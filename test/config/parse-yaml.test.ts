import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, YamlSyntaxError } from '../../src/config/parse-yaml.ts';

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
