import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EnvFileSyntaxError, parseEnvFile, unquoteGo } from '../../src/config/parse-env-file.ts';

const read = (text: string) => {
  const { vars, stoppedAtLine } = parseEnvFile(text);
  return { vars: Object.fromEntries(vars), ...(stoppedAtLine !== undefined ? { stoppedAtLine } : {}) };
};

describe('parseEnvFile', () => {
  const cases: [string, string, Record<string, string>, number?][] = [
    ['plain assignments', 'A=1\nB=two\n', { A: '1', B: 'two' }],
    ['no final line break', 'A=1\nB=2', { A: '1', B: '2' }],
    ['an empty file', '', {}],
    ['spaces around =', 'A = 1\nB  =  2  \n', { A: '1', B: '2' }],
    // Connect's grammar stops a name or an unquoted value at a space, not at a tab.
    ['tabs as part of a name and a value', 'B\t=\tx\t\n', { 'B\t': 'x\t' }],
    ['an empty value', 'A=\nB=  \n', { A: '', B: '' }],
    ['comments and empty lines', '# settings\n\nA=1 # the first\nB=2#tight\n', { A: '1', B: '2' }],
    ['CRLF line breaks', 'A=1\r\nB="x"\r\n', { A: '1', B: 'x' }],
    ['a later line wins', 'A=1\nA=2\n', { A: '2' }],
    ['names Connect allows', 'my-var.x=1\n1ST=2\n', { 'my-var.x': '1', '1ST': '2' }],
    ['= inside an unquoted value', 'URL=a=b\n', { URL: 'a=b' }],
    ['a tab inside an unquoted value', 'A=1\t2\n', { A: '1\t2' }],
    ['double quotes with Go escapes', 'A="a b\\tc\\n\\"q\\" \\x41\\u00e9\\101"\n', { A: 'a b\tc\n"q" A\u00e9A' }],
    ['single quotes kept as written', "A='x'\n", { A: "'x'" }],
    ['triple quotes across lines, as written', 'A="""line 1\nline "2" \\n"""\nB=3\n', { A: 'line 1\nline "2" \\n', B: '3' }],
    ['a # inside quotes', 'A="x # y"\n', { A: 'x # y' }],
    ['no ${…} expansion', 'A=1\nB=${A}\n', { A: '1', B: '${A}' }],
  ];
  for (const [what, text, vars] of cases) {
    it(`reads ${what}`, () => assert.deepEqual(read(text), { vars }));
  }

  it('keeps a __proto__ name as a plain name', () => {
    const { vars } = parseEnvFile('__proto__=x\n');
    assert.equal(vars.get('__proto__'), 'x');
    assert.equal(vars.size, 1);
  });

  const stops: [string, string, Record<string, string>, number][] = [
    ['an unquoted value with a space', 'A=1\nB=two words\nC=3\n', { A: '1', B: 'two' }, 2],
    ['a line that starts with blanks', 'A=1\n  B=2\nC=3\n', { A: '1' }, 2],
    ['text after a closing quote', 'A="x"y\nB=2\n', { A: 'x' }, 1],
    ['a comment without a final line break', 'A=1 # end', { A: '1' }, 1],
  ];
  for (const [what, text, vars, line] of stops) {
    it(`stops quietly, as Connect does, after ${what}`, () => assert.deepEqual(read(text), { vars, stoppedAtLine: line }));
  }

  const refused: [string, string, number][] = [
    ['an export prefix', 'A=1\nexport B=2\n', 2],
    ['a line without =', 'JUST_A_NAME\n', 1],
    ['an unterminated quote', 'A=1\nB="secret\n', 2],
    ['an unterminated triple quote', 'A="""secret value\n', 1],
    ['an escape Go does not accept', 'A="\\q"\n', 1],
    ['a line break inside double quotes', 'A="one\ntwo"\n', 1],
  ];
  for (const [what, text, line] of refused) {
    it(`refuses ${what}, naming the line and no value`, () => {
      assert.throws(
        () => parseEnvFile(text),
        (error: unknown) => error instanceof EnvFileSyntaxError && error.line === line && error.message.startsWith(`line ${line}: `) && !/secret|JUST_A_NAME/.test(error.message),
      );
    });
  }
});

describe('unquoteGo', () => {
  const cases: [string, string | undefined][] = [
    ['""', ''],
    ['"plain"', 'plain'],
    ['"\\a\\b\\f\\v\\\\"', '\x07\b\f\v\\'],
    ['"\\U0001F600"', '\u{1F600}'],
    ['"\\\'"', undefined],
    ['"\\ud800"', undefined],
    ['"\\400"', undefined],
    ['"\\x4"', undefined],
    ['"\\"', undefined],
  ];
  for (const [literal, expected] of cases) {
    it(`${literal} → ${JSON.stringify(expected)}`, () => assert.equal(unquoteGo(literal), expected));
  }
});
