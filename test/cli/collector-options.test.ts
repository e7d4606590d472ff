import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveCollectOptions, type RawCollectOptions } from '../../src/cli/collector-options.ts';
import { UserError } from '../../src/lib/errors.ts';

/** What commander hands over when no flag is given: the defaults declared in collect-command.ts. */
const defaults: RawCollectOptions = {
  maxBody: '1mb',
  headerTimeout: '10s',
  bodyTimeout: '30s',
  keepAliveTimeout: '5s',
  maxConnections: '512',
  dbTimeout: '5s',
  maxTokenAge: '24h',
};
const env = { HOME: '/home/u' };

describe('resolveCollectOptions', () => {
  it('reads the defaults: limits of seconds, no rate limit, no retention', () => {
    const options = resolveCollectOptions(defaults, env);
    assert.deepEqual(options.limits, { headerTimeoutMs: 10_000, bodyTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 512 });
    assert.equal(options.rateLimitMs, undefined);
    assert.equal(options.retainMs, undefined);
    assert.equal(options.dbTimeoutMs, 5_000);
    assert.equal(options.maxTokenAgeMs, 86_400_000);
    assert.deepEqual(options.schemaFiles, []);
    assert.equal(options.db, '/home/u/.local/share/connect-telemetry/collector.db');
  });

  it('reads the limits, the rate limit and the retention period', () => {
    const options = resolveCollectOptions({ ...defaults, headerTimeout: '2s', bodyTimeout: '4s', maxConnections: '64', rateLimit: '1m', retain: '90d' }, env);
    assert.deepEqual(options.limits, { headerTimeoutMs: 2_000, bodyTimeoutMs: 4_000, keepAliveTimeoutMs: 5_000, maxConnections: 64 });
    assert.equal(options.rateLimitMs, 60_000);
    assert.equal(options.retainMs, 90 * 86_400_000);
  });

  it('takes --schema files, or CONNECT_TELEMETRY_SCHEMA as a comma-separated list', () => {
    assert.deepEqual(resolveCollectOptions({ ...defaults, schema: ['a.json', 'b.json'] }, { ...env, CONNECT_TELEMETRY_SCHEMA: 'c.json' }).schemaFiles, ['a.json', 'b.json']);
    assert.deepEqual(resolveCollectOptions(defaults, { ...env, CONNECT_TELEMETRY_SCHEMA: 'c.json, d.json' }).schemaFiles, ['c.json', 'd.json']);
  });

  const refused: [string, Partial<RawCollectOptions>, RegExp][] = [
    ['a body timeout shorter than the header timeout', { headerTimeout: '10s', bodyTimeout: '5s' }, /--body-timeout .* at least --header-timeout/],
    ['no connections at all', { maxConnections: '0' }, /--max-connections must be at least 1/],
    ['a retention shorter than a minute', { retain: '30s' }, /--retain must be at least 1m/],
    ['a database deadline under 100 ms', { dbTimeout: '10ms' }, /--db-timeout must be at least 100ms/],
    ['a rate limit that is not a duration', { rateLimit: 'often' }, /--rate-limit: "often" is not a duration/],
  ];
  for (const [what, raw, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => resolveCollectOptions({ ...defaults, ...raw }, env), (error: unknown) => error instanceof UserError && message.test(error.message));
    });
  }
});
