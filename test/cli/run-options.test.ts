import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStateDir, resolveRunOptions } from '../../src/cli/run-options.ts';

describe('resolveRunOptions', () => {
  it('uses the default schedule: 7 days, then hourly; 10 s timeout', () => {
    const options = resolveRunOptions({}, { HOME: '/home/u' });
    assert.equal(options.delayMs, 7 * 86_400_000);
    assert.equal(options.periodMs, 3_600_000);
    assert.equal(options.timeoutMs, 10_000);
    assert.equal(options.logLevel, 'info');
    assert.equal(options.disabledBecause, undefined);
    assert.equal(options.stateDir, '/home/u/.local/state/connect-telemetry');
  });

  it('puts the Benthos schedule one flag (or variable) away', () => {
    for (const options of [resolveRunOptions({ schedule: 'benthos' }, {}), resolveRunOptions({}, { CONNECT_TELEMETRY_SCHEDULE: 'benthos' })]) {
      assert.equal(options.delayMs, 5 * 60_000);
      assert.equal(options.periodMs, 86_400_000);
    }
  });

  it('reads every setting from its variable, and lets flags win', () => {
    const env = {
      CONNECT_TELEMETRY_CONFIG: 'a.yaml, streams/',
      CONNECT_TELEMETRY_RESOURCES: 'r/*.yaml',
      CONNECT_TELEMETRY_STATE_DIR: '/state',
      CONNECT_TELEMETRY_ENDPOINT: 'https://t.example/x',
      CONNECT_TELEMETRY_DELAY: '5m',
      CONNECT_TELEMETRY_PERIOD: '24h',
      CONNECT_TELEMETRY_TIMEOUT: '2s',
      CONNECT_TELEMETRY_LOG_LEVEL: 'debug',
      CONNECT_TELEMETRY_SIGNING_KEY: '/k.pem',
      CONNECT_TELEMETRY_CA_FILE: '/ca.pem',
      CONNECT_TELEMETRY_ALLOW_INSECURE_ENDPOINT: '1',
    };
    const fromEnv = resolveRunOptions({}, env);
    assert.deepEqual(fromEnv.configs, ['a.yaml', 'streams/']);
    assert.deepEqual(fromEnv.resources, ['r/*.yaml']);
    assert.equal(fromEnv.stateDir, '/state');
    assert.equal(fromEnv.endpoint, 'https://t.example/x');
    assert.equal(fromEnv.delayMs, 300_000);
    assert.equal(fromEnv.periodMs, 86_400_000);
    assert.equal(fromEnv.timeoutMs, 2000);
    assert.equal(fromEnv.logLevel, 'debug');
    assert.equal(fromEnv.signingKey, '/k.pem');
    assert.equal(fromEnv.caFile, '/ca.pem');
    assert.equal(fromEnv.allowInsecureEndpoint, true);
    const flagsWin = resolveRunOptions({ config: ['b.yaml'], delay: '1h', stateDir: '/other', logLevel: 'warn' }, env);
    assert.deepEqual(flagsWin.configs, ['b.yaml']);
    assert.equal(flagsWin.delayMs, 3_600_000);
    assert.equal(flagsWin.stateDir, '/other');
    assert.equal(flagsWin.logLevel, 'warn');
  });

  it('reads env files from -e, else from CONNECT_TELEMETRY_ENV_FILE (comma-separated)', () => {
    assert.deepEqual(resolveRunOptions({}, { CONNECT_TELEMETRY_ENV_FILE: '.env, /etc/connect/secrets.env' }).envFiles, ['.env', '/etc/connect/secrets.env']);
    assert.deepEqual(resolveRunOptions({ envFile: ['a.env', 'b.env'] }, { CONNECT_TELEMETRY_ENV_FILE: 'c.env' }).envFiles, ['a.env', 'b.env']);
    assert.deepEqual(resolveRunOptions({}, {}).envFiles, []);
  });

  it('lets the config typed after the command win over CONNECT_TELEMETRY_CONFIG', () => {
    const options = resolveRunOptions({}, { CONNECT_TELEMETRY_CONFIG: 'a.yaml' }, { config: './b.yaml' });
    assert.deepEqual(options.configs, ['./b.yaml']);
    assert.equal(options.streams, undefined);
    assert.deepEqual(resolveRunOptions({ observability: 'o.yaml' }, {}, { streams: ['s/'] }).streams, ['s/']);
  });

  it('honours every opt-out and says which one', () => {
    assert.equal(resolveRunOptions({ disableTelemetry: true }, {}).disabledBecause, '--disable-telemetry was given');
    assert.equal(resolveRunOptions({}, { CONNECT_TELEMETRY_DISABLED: '1' }).disabledBecause, 'CONNECT_TELEMETRY_DISABLED is set');
    assert.equal(resolveRunOptions({}, { DO_NOT_TRACK: 'yes' }).disabledBecause, 'DO_NOT_TRACK is set');
    for (const off of ['', '0', 'false', 'FALSE']) assert.equal(resolveRunOptions({}, { DO_NOT_TRACK: off }).disabledBecause, undefined);
  });

  it('refuses bad durations, schedules and levels with the flag named', () => {
    assert.throws(() => resolveRunOptions({ delay: 'soon' }, {}), /--delay: "soon" is not a duration/);
    assert.throws(() => resolveRunOptions({}, { CONNECT_TELEMETRY_PERIOD: '0s' }), /--period must be longer than zero/);
    assert.throws(() => resolveRunOptions({ schedule: 'weekly' }, {}), /--schedule: "weekly" is not a schedule/);
    assert.throws(() => resolveRunOptions({ logLevel: 'loud' }, {}), /--log-level: "loud" is not a level/);
  });
});

describe('defaultStateDir', () => {
  it('prefers $XDG_STATE_HOME', () => assert.equal(defaultStateDir({ XDG_STATE_HOME: '/xdg', HOME: '/h' }), '/xdg/connect-telemetry'));
  it('ignores a relative $XDG_STATE_HOME, as the spec says', () => assert.equal(defaultStateDir({ XDG_STATE_HOME: 'rel', HOME: '/h' }), '/h/.local/state/connect-telemetry'));
});
