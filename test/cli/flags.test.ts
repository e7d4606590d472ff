import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countFlag, durationFlag, envList, flagOrEnv, isTruthyFlag, logLevelFlag, shareFlag, sizeFlag } from '../../src/cli/flags.ts';
import { UserError } from '../../src/lib/errors.ts';

describe('isTruthyFlag', () => {
  const cases: [string | undefined, boolean][] = [[undefined, false], ['', false], ['0', false], ['false', false], [' FALSE ', false], ['1', true], ['true', true], ['yes', true], [' 1 ', true]];
  for (const [value, expected] of cases) it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(isTruthyFlag(value), expected));
});

describe('flagOrEnv', () => {
  it('lets the flag win, then a non-empty variable, else nothing', () => {
    assert.equal(flagOrEnv('flag', { V: 'env' }, 'V'), 'flag');
    assert.equal(flagOrEnv(undefined, { V: 'env' }, 'V'), 'env');
    assert.equal(flagOrEnv(undefined, { V: '' }, 'V'), undefined);
    assert.equal(flagOrEnv(undefined, {}, 'V'), undefined);
  });
});

describe('envList', () => {
  it('splits on commas and drops blanks', () => assert.deepEqual(envList(' a.yaml, ,b/ '), ['a.yaml', 'b/']));
  it('is undefined when unset or blank', () => {
    assert.equal(envList(undefined), undefined);
    assert.equal(envList('  '), undefined);
  });
});

describe('durationFlag', () => {
  it('reads a duration', () => assert.equal(durationFlag('delay', '1h30m'), 5_400_000));
  it('names the flag when the value is not a duration', () => {
    assert.throws(() => durationFlag('delay', '5 minutes'), (error: unknown) => error instanceof UserError && /^--delay: "5 minutes" is not a duration/.test(error.message));
  });
});

describe('logLevelFlag', () => {
  it('accepts a level in any case', () => assert.equal(logLevelFlag('DEBUG'), 'debug'));
  it('refuses an unknown level and lists the levels', () => assert.throws(() => logLevelFlag('loud'), /--log-level: "loud" is not a level; use one of fatal, error/));
});

describe('countFlag', () => {
  it('reads a whole number', () => assert.equal(countFlag('limit', '100'), 100));
  for (const bad of ['-1', '1.5', 'ten', '', '99999999999999999999']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => countFlag('limit', bad), /--limit: .* is not a whole number/));
  }
});

describe('shareFlag', () => {
  const cases: [string, number][] = [['0.05', 0.05], ['5%', 0.05], ['100%', 1], ['0', 0]];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(shareFlag('min-support', text), expected));
  for (const bad of ['101%', '-0.1', '1.5', 'half', '']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => shareFlag('min-support', bad), /--min-support: .* is not a share between 0 and 1/));
  }
});

describe('sizeFlag', () => {
  const cases: [string, number][] = [['65536', 65_536], ['512kb', 524_288], ['1mb', 1_048_576], ['2M', 2_097_152], ['10 k', 10_240]];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(sizeFlag('max-body', text), expected));
  it('refuses a size it cannot read', () => assert.throws(() => sizeFlag('max-body', '1gb'), /--max-body: "1gb" is not a size/));
  it('refuses zero', () => assert.throws(() => sizeFlag('max-body', '0'), /--max-body must be at least 1 byte/));
});
