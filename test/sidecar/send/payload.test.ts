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

  it('counts uptime in whole seconds, rounding down', () => {
    assert.equal(buildPayload([], identity, identity.firstStartedAt, host).uptime, 0);
    assert.equal(buildPayload([], identity, identity.firstStartedAt + 999, host).uptime, 0);
    assert.equal(buildPayload([], identity, identity.firstStartedAt + 1000, host).uptime, 1);
    assert.equal(buildPayload([], identity, identity.firstStartedAt + 3 * 86_400_000 + 1500, host).uptime, 259_201);
  });

  it('copies the host info, so the payload never shares it', () => {
    const payload = buildPayload([], identity, identity.firstStartedAt, host);
    assert.notEqual(payload.hostInfo, host);
    assert.deepEqual(payload.hostInfo, { numCpu: 8, goMaxProcs: 8, goArch: 'amd64', goOS: 'linux' });
  });
});

describe('hostInfoFrom', () => {
  const cases: [string, string, string, string][] = [
    ['x64', 'linux', 'amd64', 'linux'],
    ['arm64', 'darwin', 'arm64', 'darwin'],
    ['ia32', 'win32', '386', 'windows'],
    ['arm', 'linux', 'arm', 'linux'],
    ['s390x', 'linux', 's390x', 'linux'],
    ['loong64', 'linux', 'loong64', 'linux'],
    ['mips', 'linux', 'mips', 'linux'],
    ['mipsel', 'linux', 'mipsle', 'linux'],
    ['riscv64', 'linux', 'riscv64', 'linux'],
    ['x64', 'freebsd', 'amd64', 'freebsd'],
    ['x64', 'openbsd', 'amd64', 'openbsd'],
    ['arm64', 'netbsd', 'arm64', 'netbsd'],
    ['ppc64', 'aix', 'ppc64', 'aix'],
    ['x64', 'sunos', 'amd64', 'solaris'],
    ['arm64', 'android', 'arm64', 'android'],
  ];
  for (const [arch, platform, goArch, goOS] of cases) {
    it(`${arch}/${platform} → ${goArch}/${goOS}`, () => {
      assert.deepEqual(hostInfoFrom(2, arch, platform, arch === 'ppc64' ? 'BE' : 'LE'), { numCpu: 2, goMaxProcs: 2, goArch, goOS });
    });
  }

  it('tells little-endian ppc64 (ppc64le) from big-endian (ppc64), little-endian when not told', () => {
    assert.equal(hostInfoFrom(4, 'ppc64', 'linux', 'LE').goArch, 'ppc64le');
    assert.equal(hostInfoFrom(4, 'ppc64', 'linux').goArch, 'ppc64le');
    assert.equal(hostInfoFrom(4, 'ppc64', 'aix', 'BE').goArch, 'ppc64');
    assert.equal(hostInfoFrom(4, 'x64', 'linux', 'BE').goArch, 'amd64');
  });

  it("passes through a name Go's table does not hold", () => {
    assert.deepEqual(hostInfoFrom(1, 'wasm32', 'cygwin'), { numCpu: 1, goMaxProcs: 1, goArch: 'wasm32', goOS: 'cygwin' });
  });
});
