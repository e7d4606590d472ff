import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate } from '../../src/config/interpolate.ts';

describe('interpolate', () => {
  const env = { KIND: 'kafka', EMPTY: '', DOTTED_NAME: 'x' };
  const cases: [string, string][] = [
    ['input: ${KIND}', 'input: kafka'],
    ['a: ${MISSING:fallback}', 'a: fallback'],
    ['a: ${MISSING}', 'a: '],
    ['a: ${EMPTY:used when empty}', 'a: used when empty'],
    ['a: ${MISSING:http://host:4195/x}', 'a: http://host:4195/x'],
    ['a: ${MISSING:${NESTED}}', 'a: ${NESTED}'],
    ['a: $${KIND}', 'a: ${KIND}'],
    ['a: ${! meta("kafka_key") }', 'a: ${! meta("kafka_key") }'],
    ['a: ${!content()}', 'a: ${!content()}'],
    ['no references', 'no references'],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(interpolate(text, env), expected));
});
