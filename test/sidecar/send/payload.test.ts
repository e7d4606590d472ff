import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPayload, hostInfoFrom } from '../../../src/sidecar/send/payload.ts';

describe('buildPayload', () => {
  const identity = { instanceId: '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', firstStartedAt: Date.UTC(2026, 0, 1) };
  const host = hostInfoFrom(8, 'x64', 'linux');

  it('carries the ID, whole seconds of uptime, components and host info', () => {
    const payload = buildPayload(
      [
        { category: 'input', name: 'generate', path: 'input', known: true },
        { category: 'processor', name: 'unknown', path: 'pipeline.processors.0', known: false, written: ['secret_plugin'] },
      ],
      identity,
      identity.firstStartedAt + 90_999,
      host,
    );
    assert.deepEqual(payload, {
      id: identity.instanceId,
      uptime: 90,
      components: [{ type: 'input', name: 'generate' }, { type: 'processor', name: 'unknown' }],
      hostInfo: { numCpu: 8, goMaxProcs: 8, goArch: 'amd64', goOS: 'linux' },
    });
    assert.ok(!JSON.stringify(payload).includes('secret_plugin'));
    assert.ok(!JSON.stringify(payload).includes('pipeline.processors'));
  });

  it('never reports negative uptime when the clock is behind the first start', () => {
    assert.equal(buildPayload([], identity, identity.firstStartedAt - 5000, host).uptime, 0);
  });
});

describe('hostInfoFrom', () => {
  const cases: [string, string, string, string][] = [
    ['x64', 'linux', 'amd64', 'linux'],
    ['arm64', 'darwin', 'arm64', 'darwin'],
    ['ia32', 'win32', '386', 'windows'],
    ['arm', 'linux', 'arm', 'linux'],
    ['s390x', 'linux', 's390x', 'linux'],
  ];
  for (const [arch, platform, goArch, goOS] of cases) {
    it(`${arch}/${platform} → ${goArch}/${goOS}`, () => {
      assert.deepEqual(hostInfoFrom(2, arch, platform), { numCpu: 2, goMaxProcs: 2, goArch, goOS });
    });
  }
});
