/**
 * The report payload, wire-compatible with Connect's own telemetry payload.
 *
 * What is sent: the instance ID (a random UUID made on first start), the
 * uptime in whole seconds since that first start, one `{type, name}` per
 * component occurrence (the category and the catalogue name; `unknown` for
 * names the catalogue does not know), and the host's CPU count, architecture
 * and OS in Go's words.
 *
 * What is never sent: field values, labels, keys, paths, file names, names
 * not in the catalogue, environment values, hostnames or addresses.
 */
import type { Category } from '../../catalogue/catalogue.ts';
import type { ComponentRef } from '../../config/walk-components.ts';

export interface HostInfo {
  numCpu: number;
  goMaxProcs: number;
  goArch: string;
  goOS: string;
}

export interface Payload {
  id: string;
  uptime: number;
  components: { type: Category; name: string }[];
  hostInfo: HostInfo;
}

export interface Identity {
  instanceId: string;
  /** Milliseconds since the epoch. */
  firstStartedAt: number;
}

export function buildPayload(components: readonly ComponentRef[], identity: Identity, now: number, host: HostInfo): Payload {
  return {
    id: identity.instanceId,
    uptime: Math.max(0, Math.floor((now - identity.firstStartedAt) / 1000)),
    // Only the category and a catalogue name leave: the walker already put
    // `unknown` in place of any name the catalogue does not hold.
    components: components.map((component) => ({
      type: component.category,
      name: component.known ? component.name : 'unknown',
    })),
    hostInfo: { ...host },
  };
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle', ppc64: 'ppc64le', riscv64: 'riscv64', s390x: 's390x' };
const GO_OS: Record<string, string> = { win32: 'windows', darwin: 'darwin', linux: 'linux', freebsd: 'freebsd', openbsd: 'openbsd', netbsd: 'netbsd', aix: 'aix', sunos: 'solaris', android: 'android' };

/** Node's names for the platform, in Go's words (as Connect reports them). */
export function hostInfoFrom(numCpu: number, arch: string, platform: string, endianness: 'BE' | 'LE' = 'LE'): HostInfo {
  const goArch = arch === 'ppc64' && endianness === 'BE' ? 'ppc64' : (GO_ARCH[arch] ?? arch);
  // Go's default GOMAXPROCS is the CPU count.
  return { numCpu, goMaxProcs: numCpu, goArch, goOS: GO_OS[platform] ?? platform };
}
