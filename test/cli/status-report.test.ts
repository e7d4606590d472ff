import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { formatStatus, statusReport } from '../../src/cli/status-report.ts';
import type { DirectoryStatus } from '../../src/sidecar/daemon-status.ts';

const NOW = Date.UTC(2026, 5, 10, 12);
const HOUR = 3_600_000;
const state = { instanceId: '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', firstStartedAt: NOW - 8 * 24 * HOUR, lastReport: { at: NOW - 10 * 60_000, outcome: 'sent' as const, status: 204 } };

const running = (lastReload?: NonNullable<DirectoryStatus['holder']['record']>['lastReload'], hasSummary = true): DirectoryStatus => ({
  state,
  stateProblem: 'ok',
  holder: {
    running: true,
    why: 'pid 42 is running',
    pid: 42,
    host: 'pod-a',
    since: NOW - HOUR,
    record: { delayMs: 5 * 60_000, periodMs: 24 * HOUR, endpointHost: 'telemetry.example:8443', hasSummary, ...(lastReload ? { lastReload } : {}) },
  },
});
const stopped: DirectoryStatus = { state, stateProblem: 'ok', holder: { running: false, why: 'no daemon holds the state directory' } };

describe('statusReport', () => {
  it("tells a running daemon's truth from its record alone, whatever status's own environment says", () => {
    const report = statusReport('/state', running({ at: NOW - 60_000, outcome: 'ok', components: 12 }), {}, { DO_NOT_TRACK: '1', CONNECT_TELEMETRY_PERIOD: '1h' }, NOW);
    assert.deepEqual(report.daemon, { running: true, reason: 'pid 42 is running', pid: 42, host: 'pod-a', since: new Date(NOW - HOUR).toISOString() });
    assert.deepEqual(report.telemetry, { enabled: true, reason: null });
    assert.equal(report.endpointHost, 'telemetry.example:8443');
    assert.deepEqual(report.schedule, { delay: '5m', period: '1d', source: 'daemon' });
    assert.equal(report.nextReportAt, new Date(state.lastReport.at + 24 * HOUR + spread()).toISOString());
    assert.deepEqual(report.config, { status: 'ok', problem: null, description: null, since: null, lastReloadAt: new Date(NOW - 60_000).toISOString(), components: 12, reportsCarry: 'the current summary' });
  });

  it('lets flags given to status win over the running daemon', () => {
    const report = statusReport('/state', running(), { period: '1h', endpoint: 'https://other.example/x' }, {}, NOW);
    assert.equal(report.endpointHost, 'other.example');
    assert.deepEqual(report.schedule, { delay: '5m', period: '1h', source: 'flags' });
    assert.deepEqual(statusReport('/state', running(), { disableTelemetry: true }, {}, NOW).telemetry, { enabled: false, reason: '--disable-telemetry was given' });
  });

  it('says when the config is failing, and what reports carry meanwhile', () => {
    const failing = { at: NOW - 60_000, outcome: 'failed' as const, problem: 'invalid-yaml' as const, failingSince: NOW - 3 * 60_000 };
    const kept = statusReport('/state', running(failing, true), {}, {}, NOW).config;
    assert.equal(kept.status, 'failing');
    assert.equal(kept.since, new Date(NOW - 3 * 60_000).toISOString());
    assert.equal(kept.reportsCarry, 'the last good summary');
    const none = statusReport('/state', running({ ...failing, problem: 'missing' }, false), {}, {}, NOW);
    assert.equal(none.config.reportsCarry, 'nothing: no report is sent until the config can be read');
    assert.match(formatStatus(none, NOW), /config:\s+FAILING since \S+: the config file \(or streams directory\) does not exist \(missing\); reports carry nothing/);
  });

  it('with no daemon running, falls back on the environment and says so', () => {
    const off = statusReport('/state', stopped, {}, { DO_NOT_TRACK: 'true' }, NOW);
    assert.deepEqual(off.telemetry, { enabled: false, reason: 'DO_NOT_TRACK is set' });
    assert.equal(off.telemetrySource, 'environment');
    assert.equal(off.nextReportAt, null);
    assert.equal(off.config.status, 'unknown');
    const none = statusReport('/state', stopped, {}, {}, NOW);
    assert.deepEqual(none.telemetry, { enabled: false, reason: 'no endpoint is configured' });
    const text = formatStatus(none, NOW);
    assert.match(text, /daemon:\s+not running \(no daemon holds the state directory\)/);
    assert.match(text, /telemetry:\s+disabled \(no endpoint is configured; the default; no daemon is running\)/);
  });

  it('does not call an endpoint enabled that run would refuse', () => {
    const report = statusReport('/state', stopped, {}, { CONNECT_TELEMETRY_ENDPOINT: 'http://telemetry.example/x' }, NOW);
    assert.equal(report.telemetry.enabled, false);
    assert.match(String(report.telemetry.reason), /^run would refuse the endpoint: http:\/\/telemetry\.example is plain http on the network/);
    assert.equal(statusReport('/state', stopped, { allowInsecureEndpoint: true }, { CONNECT_TELEMETRY_ENDPOINT: 'http://telemetry.example/x' }, NOW).telemetry.enabled, true);
  });

  it('never shows the endpoint path or query', () => {
    const report = statusReport('/state', stopped, { endpoint: 'https://t.example/collect/s3cr3t?token=abc' }, {}, NOW);
    assert.equal(report.endpointHost, 't.example');
    assert.ok(!JSON.stringify(report).includes('s3cr3t') && !formatStatus(report, NOW).includes('token'));
  });
});

/** The instance's spread offset for a 5-minute delay and a 1-day period: its ID's fraction of 10 % of 5 minutes, taken from the schedule module's documented rule. */
function spread(): number {
  // sha256 of the ID, first four bytes big-endian, over 2^32, times 10 % of min(delay, period).
  const digest = createHash('sha256').update(state.instanceId).digest();
  return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * 0.1 * 5 * 60_000);
}
