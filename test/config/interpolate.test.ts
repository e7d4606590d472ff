import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { interpolate, InterpolationError } from '../../src/config/interpolate.ts';

/**
 * Connect's rule, stated as Connect states it (benthos v4.78
 * `internal/config/env_vars.go`): its two regular expressions, applied with
 * a backtracking engine (which finds the matches Go's leftmost-first engine
 * finds), and its processing of each match. Test-only: on long hostile
 * input these expressions take quadratic time, which is why the code under
 * test scans instead.
 */
const ENV_PATTERN = /\$\{[0-9A-Za-z_.]+(:((\$\{[^}]+\})|[^}])*)?(?:\|[0-9A-Za-z]+)?\}/g;
const ESCAPED_PATTERN = /\$\{(\{[0-9A-Za-z_.]+(:((\$\{[^}]+\})|[^}])*)?\})\}/g;

function goBase64(value: string): string | undefined {
  const compact = value.split('\r').join('').split('\n').join('');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

function connectReplace(text: string, env: Record<string, string>): string | Error {
  const get = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
  let failure: Error | undefined;
  const replaced = text.replace(ENV_PATTERN, (content) => {
    let value: string;
    let funcName = '';
    const colonIndex = content.indexOf(':');
    if (colonIndex === -1) {
      const specifier = content.slice(2, content.length - 1);
      let varName = specifier;
      const pipeIndex = specifier.lastIndexOf('|');
      if (pipeIndex !== -1) {
        varName = specifier.slice(0, pipeIndex);
        funcName = specifier.slice(pipeIndex + 1);
      }
      value = get(varName) ?? '';
    } else {
      const varName = content.slice(2, colonIndex);
      const remaining = content.slice(colonIndex + 1, content.length - 1);
      let defaultVal = remaining;
      const pipeIndex = remaining.lastIndexOf('|');
      if (pipeIndex !== -1) {
        defaultVal = remaining.slice(0, pipeIndex);
        funcName = remaining.slice(pipeIndex + 1);
      }
      value = get(varName) ?? '';
      if (value === '') value = defaultVal;
    }
    if (funcName === 'base64decode') {
      const decoded = goBase64(value);
      if (decoded === undefined) failure = new Error('failed to decode base64-encoded env var');
      else value = decoded;
    } else if (funcName !== '') {
      failure = new Error(`unknown env var decode function: ${funcName}`);
    }
    return value.split('\n').join('\\n');
  });
  if (failure) return failure;
  return replaced.replace(ESCAPED_PATTERN, (_match, group: string) => `$${group}`);
}

const attempt = (text: string, env: Record<string, string>): string | Error => {
  try {
    return interpolate(text, env);
  } catch (error) {
    if (error instanceof InterpolationError) return error;
    throw error;
  }
};

describe('interpolate', () => {
  const env = { KIND: 'kafka', EMPTY: '', DOTTED_NAME: 'x', MULTI: 'a\nb: injected', B64: 'aGVsbG8=', NESTED_REF: '${{KIND}}' };
  const cases: [string, string][] = [
    ['input: ${KIND}', 'input: kafka'],
    ['a: ${MISSING:fallback}', 'a: fallback'],
    ['a: ${MISSING}', 'a: '],
    ['a: ${EMPTY}', 'a: '],
    ['a: ${EMPTY:used when empty}', 'a: used when empty'],
    ['a: ${MISSING:http://host:4195/x}', 'a: http://host:4195/x'],
    ['a: ${MISSING:${NESTED}}', 'a: ${NESTED}'],
    ['a: ${DOTTED_NAME}', 'a: x'],
    // A value can never add a line, so never a key.
    ['a: ${MULTI}', 'a: a\\nb: injected'],
    ['a: ${B64|base64decode}', 'a: hello'],
    ['a: ${MISSING:aGk=|base64decode}', 'a: hi'],
    // The escape is ${{…}}; $${…} is a `$` and then a reference.
    ['a: ${{KIND}}', 'a: ${KIND}'],
    ['a: ${{KIND:default}}', 'a: ${KIND:default}'],
    ['a: $${KIND}', 'a: $kafka'],
    // The escape applies to what the first pass made, values included.
    ['a: ${NESTED_REF}', 'a: ${KIND}'],
    ['a: ${! meta("kafka_key") }', 'a: ${! meta("kafka_key") }'],
    ['a: ${!content()}', 'a: ${!content()}'],
    // Names of Object.prototype are not variables.
    ['a: ${constructor:none}', 'a: none'],
    ['no references', 'no references'],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => assert.equal(interpolate(text, env), expected));
  }

  it('refuses an unknown function after "|", naming its line but no value', () => {
    assert.throws(
      () => interpolate('a: 1\nb: ${SECRET_NAME:hunter2|rot13}\n', { SECRET_NAME: 's3cr3t' }),
      (error: unknown) =>
        error instanceof InterpolationError && error.line === 2 && /^line 2: .*unknown function.*base64decode/.test(error.message) &&
        !/hunter2|rot13|s3cr3t|SECRET_NAME/.test(error.message),
    );
  });

  it('refuses a value that base64decode cannot decode, naming no value', () => {
    assert.throws(
      () => interpolate('a: ${TOKEN|base64decode}\n', { TOKEN: 'not base64!' }),
      (error: unknown) => error instanceof InterpolationError && /not valid base64/.test(error.message) && !/not base64!|TOKEN/.test(error.message),
    );
  });

  it('matches Connect\'s own rule on any short text (property)', () => {
    const piece = fc.constantFrom('$', '{', '}', ':', '|', '!', ' ', '\n', 'A', 'B', 'a', '.', '_', '1', 'x', '${', '${A', '${B:', '${{', '}}', '|base64decode', '|x', 'aGk=');
    const value = fc.constantFrom('', 'v', 'a\nb', 'x: y\nz', '${B}', '${{A}}', '}', '${', 'aGk=', 'aGk', 'a|b', '$');
    const environment = fc.record({ A: value, B: value }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), environment, (pieces, vars) => {
        const text = pieces.join('');
        const got = attempt(text, vars);
        const want = connectReplace(text, vars);
        if (want instanceof Error) assert.ok(got instanceof Error, `${JSON.stringify(text)} with ${JSON.stringify(vars)}: Connect refuses it (${want.message}), got ${JSON.stringify(got)}`);
        else assert.equal(got, want, `${JSON.stringify(text)} with ${JSON.stringify(vars)}`);
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves long runs of escapes that never close untouched', () => {
    // Each `${{a:` starts a walk over every fragment after it: a backtracking
    // expression does quadratic work here. The rule leaves the text as it is.
    const text = `x: "${'${{a:${!b}c'.repeat(100_000)}"\n`;
    assert.equal(interpolate(text, {}), text);
  });

  it('keeps an unterminated default as text', () => {
    const text = `x: \${A:${'${'.repeat(100_000)}\n`;
    assert.equal(interpolate(text, { A: 'set' }), text);
  });
});

describe('interpolate: the size bound', () => {
  it('refuses a config that grows past the size limit once its references are replaced', () => {
    const long = 'x'.repeat(64 * 1024);
    const text = 'a: [' + '${LONG}, '.repeat(100) + ']\n';
    assert.throws(
      () => interpolate(text, { LONG: long }),
      (error: unknown) => error instanceof InterpolationError && /^line 1: the config grows past the 1572864-byte limit for a config file once its environment references are replaced$/.test(error.message),
    );
  });

  it('lets a config that stays under the limit through', () => {
    assert.equal(interpolate('a: ${LONG}\n', { LONG: 'x'.repeat(1000) }).length, 1004);
  });
});
