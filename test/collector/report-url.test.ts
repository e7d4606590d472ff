import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reportUrlFor } from '../../src/collector/report-url.ts';

describe('reportUrlFor', () => {
  it('gives the exact report URL for an address of its own', () => {
    assert.deepEqual(reportUrlFor('127.0.0.1', 4300), { listening: 'http://127.0.0.1:4300', reportUrl: 'http://127.0.0.1:4300/connect/telemetry' });
  });

  it('puts an IPv6 address in brackets', () => {
    assert.equal(reportUrlFor('::1', 4300).reportUrl, 'http://[::1]:4300/connect/telemetry');
  });

  it('leaves the host to fill in when it listens on every address', () => {
    for (const host of ['0.0.0.0', '::']) {
      assert.deepEqual(reportUrlFor(host, 4300), { listening: 'every address, port 4300', reportUrl: 'http://<this host>:4300/connect/telemetry' });
    }
  });
});
