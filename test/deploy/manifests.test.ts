/**
 * What the deployment files mean, once they are valid (schema.test.ts checks
 * them as kubectl and docker compose would): for every workload the sidecar
 * must read the very ConfigMap key that Connect runs, run locked down, ask for
 * the stated memory budget, take its endpoint (the full report URL) and
 * opt-out from the environment and keep its state on a volume. The Compose
 * file must do the same with a bind-mounted file, and start the sidecar once
 * its collector is live and ready (its probe is run).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { spawn } from 'node:child_process';
import { REPORT_PATH } from '../../src/collector/server.ts';
import { startTestCollector } from '../helpers/collector-server.ts';

const root = resolve(import.meta.dirname, '..', '..');
const k8sDir = join(root, 'deploy', 'kubernetes');
const SIDECAR = 'connect-telemetry';
const IMAGE_STATE_DIR = '/var/lib/connect-telemetry';

type Obj = Record<string, any>;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  securityContext?: Obj;
  resources?: Obj;
  restartPolicy?: string;
}

/**
 * The memory the examples give the sidecar, as the README states it: the
 * request covers its idle RSS, and a burst of config changes peaks within half
 * the limit (the other half is room for configs of megabytes). `npm run bench`
 * sets fresh measurements against the manifests' figures.
 */
const MEMORY_BUDGET = { request: '64Mi', limit: '256Mi' };

function loadManifests(): Obj[] {
  const docs: Obj[] = [];
  for (const file of readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${file} is not valid YAML`);
      const value = doc.toJS() as Obj | null;
      if (value) docs.push({ ...value, __file: file });
    }
  }
  return docs;
}

/** The value after a flag (`-c x`, `--config x`, `--config=x`). */
function flagValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (names.includes(arg)) return args[i + 1];
    const eq = names.find((name) => name.startsWith('--') && arg.startsWith(`${name}=`));
    if (eq) return arg.slice(eq.length + 1);
  }
  return undefined;
}

/** The config Connect runs: `run <path>`, or `-c/--config <path>`. */
function connectConfigPath(args: readonly string[]): string | undefined {
  const flagged = flagValue(args, ['-c', '--config']);
  if (flagged) return flagged;
  const run = args.indexOf('run');
  return run >= 0 ? args.slice(run + 1).find((arg) => !arg.startsWith('-')) : undefined;
}

function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((entry) => entry.name === name)?.value;
}

/** The config the sidecar reads: --config, else CONNECT_TELEMETRY_CONFIG (first entry). */
function sidecarConfigPath(container: Container, args: readonly string[]): string | undefined {
  return flagValue(args, ['-c', '--config']) ?? envValue(container, 'CONNECT_TELEMETRY_CONFIG')?.split(',')[0]?.trim();
}

function sidecarStateDir(container: Container, args: readonly string[]): string {
  return flagValue(args, ['--state-dir']) ?? envValue(container, 'CONNECT_TELEMETRY_STATE_DIR') ?? IMAGE_STATE_DIR;
}

/** The mount that holds a path (the deepest one), and the path inside the volume. */
function mountFor(container: Container, path: string) {
  const mounts = (container.volumeMounts ?? [])
    .filter((m) => path === m.mountPath || path.startsWith(m.mountPath.replace(/\/$/, '') + '/'))
    .sort((a, b) => b.mountPath.length - a.mountPath.length);
  const mount = mounts[0];
  if (!mount) return undefined;
  const rest = posix.relative(mount.mountPath, path);
  const inVolume = mount.subPath ? posix.join(mount.subPath, rest) : rest;
  return { mount, inVolume };
}

/** Follows a path through a container's mounts to `configMap/key`. */
function configMapKeyFor(container: Container, podSpec: Obj, path: string): { configMap: string; key: string } | string {
  const found = mountFor(container, path);
  if (!found) return `${path} is not on any volume mount of ${container.name}`;
  const volume = (podSpec['volumes'] as Obj[] | undefined)?.find((v) => v['name'] === found.mount.name);
  if (!volume?.['configMap']) return `${path} is on volume ${found.mount.name}, which is not a ConfigMap`;
  const items = volume['configMap']['items'] as { key: string; path: string }[] | undefined;
  const key = items ? items.find((item) => item.path === found.inVolume)?.key : found.inVolume;
  if (!key || key.includes('/')) return `${path} is not a key of ConfigMap ${volume['configMap']['name']}`;
  return { configMap: volume['configMap']['name'] as string, key };
}

const manifests = loadManifests();
const configMaps = new Map(manifests.filter((m) => m['kind'] === 'ConfigMap').map((m) => [m['metadata']['name'] as string, m]));
const workloads = manifests.filter((m) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m['kind']));

function partsOf(workload: Obj) {
  const podSpec = workload['spec']['template']['spec'] as Obj;
  const containers = (podSpec['containers'] ?? []) as Container[];
  const initContainers = (podSpec['initContainers'] ?? []) as Container[];
  const connect = containers.find((c) => c.image.startsWith('docker.redpanda.com/redpandadata/connect'));
  const sidecar = [...containers, ...initContainers].find((c) => c.name === SIDECAR);
  assert.ok(connect, `${workload['__file']}: no Connect container`);
  assert.ok(sidecar, `${workload['__file']}: no ${SIDECAR} container`);
  return { podSpec, connect, sidecar, isInit: initContainers.includes(sidecar) };
}

const argsOf = (c: Container) => [...(c.command ?? []), ...(c.args ?? [])];

describe('Kubernetes manifests', () => {
  it('hold the workload variants: two containers, a native sidecar and persistent state', () => {
    assert.ok(workloads.length >= 3, `found ${workloads.length} workloads`);
    const parts = workloads.map(partsOf);
    assert.ok(parts.some((p) => !p.isInit), 'a workload with the sidecar as a second container');
    assert.ok(parts.some((p) => p.isInit), 'a workload with the sidecar as a native sidecar (init container)');
    assert.ok(
      workloads.some((w) => (w['spec']['volumeClaimTemplates'] ?? []).length > 0 || partsOf(w).podSpec['volumes']?.some((v: Obj) => v['persistentVolumeClaim'])),
      'a workload that keeps the state on a PersistentVolumeClaim',
    );
    const names = workloads.map((w) => `${w['kind']}/${w['metadata']['name']}`);
    assert.equal(new Set(names).size, names.length, 'workload names are unique');
  });

  for (const workload of workloads) {
    const label = `${workload['__file']} ${workload['kind']}/${workload['metadata']['name']}`;

    describe(label, () => {
      const { podSpec, connect, sidecar, isInit } = partsOf(workload);

      it('selects the pods it makes', () => {
        const selector = workload['spec']['selector']['matchLabels'] as Obj;
        const labels = workload['spec']['template']['metadata']['labels'] as Obj;
        for (const [key, value] of Object.entries(selector)) assert.equal(labels[key], value);
      });

      it("has the sidecar read the same ConfigMap key that Connect runs", () => {
        const connectPath = connectConfigPath(argsOf(connect));
        const sidecarPath = sidecarConfigPath(sidecar, argsOf(sidecar));
        assert.ok(connectPath, 'Connect is given a config path');
        assert.ok(sidecarPath, 'the sidecar is given a config path (--config or CONNECT_TELEMETRY_CONFIG)');
        const connectKey = configMapKeyFor(connect, podSpec, connectPath);
        const sidecarKey = configMapKeyFor(sidecar, podSpec, sidecarPath);
        assert.equal(typeof connectKey, 'object', String(connectKey));
        assert.deepEqual(sidecarKey, connectKey);
        const { configMap, key } = connectKey as { configMap: string; key: string };
        const data = configMaps.get(configMap)?.['data']?.[key];
        assert.equal(typeof data, 'string', `ConfigMap ${configMap} has a key ${key}`);
        assert.ok(parse(data)?.input, `ConfigMap ${configMap} key ${key} is a Connect config`);
      });

      it('mounts the config without subPath, so the sidecar sees edits', () => {
        const found = mountFor(sidecar, sidecarConfigPath(sidecar, argsOf(sidecar)) as string);
        assert.equal(found?.mount.subPath, undefined);
        assert.equal(found?.mount.readOnly, true);
      });

      it('runs the sidecar with a restricted security context', () => {
        for (const container of [sidecar, connect]) {
          const pod = (podSpec['securityContext'] ?? {}) as Obj;
          const own = container.securityContext ?? {};
          const effective = { ...pod, ...own };
          assert.equal(effective['runAsNonRoot'], true, `${container.name}: runAsNonRoot`);
          assert.equal(own['readOnlyRootFilesystem'], true, `${container.name}: readOnlyRootFilesystem`);
          assert.equal(own['allowPrivilegeEscalation'], false, `${container.name}: allowPrivilegeEscalation`);
          assert.ok(own['capabilities']?.['drop']?.includes('ALL'), `${container.name}: capabilities drop ALL`);
          assert.equal(own['capabilities']?.['add'], undefined, `${container.name}: no added capabilities`);
          assert.equal(effective['seccompProfile']?.['type'], 'RuntimeDefault', `${container.name}: seccompProfile`);
          assert.notEqual(effective['runAsUser'], 0, `${container.name}: not UID 0`);
        }
        assert.equal(podSpec['automountServiceAccountToken'], false, 'no service account token');
      });

      it('gives the sidecar small resource requests and limits', () => {
        const { requests, limits } = sidecar.resources ?? {};
        for (const resource of ['memory', 'cpu']) {
          assert.ok(requests?.[resource], `requests.${resource}`);
          assert.ok(limits?.[resource], `limits.${resource}`);
        }
        assert.ok(mebibytes(requests.memory) <= mebibytes(limits.memory), 'memory request within the limit');
        assert.ok(millicores(requests.cpu) <= millicores(limits.cpu), 'cpu request within the limit');
        assert.ok(mebibytes(limits.memory) <= 256, 'memory limit at most 256Mi');
        assert.ok(millicores(limits.cpu) <= 250, 'cpu limit at most 250m');
      });

      it('asks for the memory budget the README states', () => {
        const { requests, limits } = sidecar.resources ?? {};
        assert.deepEqual({ request: requests?.memory, limit: limits?.memory }, MEMORY_BUDGET);
      });

      it('sets the endpoint and the opt-out through environment variables', () => {
        for (const name of ['CONNECT_TELEMETRY_ENDPOINT', 'CONNECT_TELEMETRY_DISABLED']) {
          const entry = sidecar.env?.find((e) => e.name === name);
          assert.ok(entry && (entry.value !== undefined || entry.valueFrom !== undefined), `${name} is set`);
        }
      });

      it('gives the full report URL as the endpoint, as a copy would need', () => {
        const endpoint = new URL(envValue(sidecar, 'CONNECT_TELEMETRY_ENDPOINT') as string);
        assert.equal(endpoint.protocol, 'https:');
        assert.equal(endpoint.pathname, REPORT_PATH, 'the path the collector receives reports on');
      });

      it('keeps the state on a writable emptyDir or PersistentVolumeClaim', () => {
        const stateDir = sidecarStateDir(sidecar, argsOf(sidecar));
        const found = mountFor(sidecar, stateDir);
        assert.ok(found, `${stateDir} is on a volume mount`);
        assert.notEqual(found.mount.readOnly, true, 'the state mount is writable');
        const claims = ((workload['spec']['volumeClaimTemplates'] ?? []) as Obj[]).map((t) => t['metadata']['name']);
        const volume = (podSpec['volumes'] as Obj[] | undefined)?.find((v) => v['name'] === found.mount.name);
        assert.ok(
          claims.includes(found.mount.name) || volume?.['emptyDir'] !== undefined || volume?.['persistentVolumeClaim'] !== undefined,
          `volume ${found.mount.name} is an emptyDir or a claim`,
        );
        const connectMounts = connect.volumeMounts?.map((m) => m.name) ?? [];
        assert.ok(!connectMounts.includes(found.mount.name), 'Connect does not share the state volume');
      });

      if (isInit) {
        it('runs the native sidecar with restartPolicy: Always', () => {
          assert.equal(sidecar.restartPolicy, 'Always');
        });
      }
    });
  }

  it('use the same sidecar resources in every variant', () => {
    const all = workloads.map((w) => JSON.stringify(partsOf(w).sidecar.resources));
    assert.equal(new Set(all).size, 1, all.join('\n'));
  });

  it('carry the same Connect config as deploy/connect/config.yaml', () => {
    const file = readFileSync(join(root, 'deploy', 'connect', 'config.yaml'), 'utf8');
    const inMap = configMaps.get('connect-config')?.['data']?.['config.yaml'];
    assert.deepEqual(parse(inMap), parse(file));
  });
});

describe('Compose file', () => {
  const compose = parse(readFileSync(join(root, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as Obj;
  const services = compose['services'] as Record<string, Obj>;
  const composeDir = join(root, 'deploy');

  /** Follows a container path through short-syntax bind mounts to a file on the host. */
  function hostPath(service: Obj, path: string): string | undefined {
    const binds = ((service['volumes'] ?? []) as string[])
      .map((v) => v.split(':'))
      .filter(([source, target]) => source && target && (source.startsWith('.') || source.startsWith('/')) && (path === target || path.startsWith(`${target}/`)))
      .sort((a, b) => (b[1] as string).length - (a[1] as string).length);
    const [source, target] = binds[0] ?? [];
    return source && target ? resolve(composeDir, source, posix.relative(target, path)) : undefined;
  }

  const connectEntry = Object.entries(services).find(([, s]) => String(s['image']).startsWith('docker.redpanda.com/redpandadata/connect'));
  const sidecarEntry = Object.entries(services).find(([, s]) => (s['command'] as string[] | undefined)?.[0] === 'run' && String(s['image']).includes(SIDECAR));
  const collectorEntry = Object.entries(services).find(([, s]) => (s['command'] as string[] | undefined)?.[0] === 'collect');

  it('runs Connect, the sidecar and a collector', () => {
    assert.ok(connectEntry, 'a Connect service');
    assert.ok(sidecarEntry, 'a sidecar service running `run`');
    assert.ok(collectorEntry, 'a collector service running `collect`');
  });

  it('has the sidecar and Connect read the same config file', () => {
    const [, connect] = connectEntry as [string, Obj];
    const [, sidecar] = sidecarEntry as [string, Obj];
    const connectPath = connectConfigPath(connect['command'] as string[]);
    const sidecarArgs = sidecar['command'] as string[];
    const sidecarPath = flagValue(sidecarArgs, ['-c', '--config']) ?? (sidecar['environment']?.['CONNECT_TELEMETRY_CONFIG'] as string | undefined);
    assert.ok(connectPath && sidecarPath);
    const connectFile = hostPath(connect, connectPath);
    assert.ok(connectFile, `${connectPath} is bind-mounted into Connect`);
    assert.equal(hostPath(sidecar, sidecarPath), connectFile);
    assert.ok(existsSync(connectFile), `${connectFile} exists`);
  });

  it('points the sidecar at the collector and keeps its state on a volume', () => {
    const [collectorName, collector] = collectorEntry as [string, Obj];
    const [, sidecar] = sidecarEntry as [string, Obj];
    const args = collector['command'] as string[];
    const listen = flagValue(args, ['--listen']) as string;
    const db = flagValue(args, ['--db']) as string;
    assert.equal(listen, '0.0.0.0:4300');
    assert.equal(db, '/data/telemetry.db');
    const endpoint = new URL(sidecar['environment']['CONNECT_TELEMETRY_ENDPOINT']);
    assert.equal(endpoint.hostname, collectorName);
    assert.equal(endpoint.port, listen.split(':')[1]);
    assert.equal(endpoint.pathname, REPORT_PATH, 'the path the collector receives reports on');
    assert.ok('CONNECT_TELEMETRY_DISABLED' in sidecar['environment']);
    const named = Object.keys(compose['volumes'] ?? {});
    const stateDir = sidecar['environment']['CONNECT_TELEMETRY_STATE_DIR'] ?? IMAGE_STATE_DIR;
    assert.ok((sidecar['volumes'] as string[]).some((v) => named.includes(v.split(':')[0] as string) && v.split(':')[1] === stateDir), 'state on a named volume');
    assert.ok((collector['volumes'] as string[]).some((v) => named.includes(v.split(':')[0] as string) && db.startsWith(`${v.split(':')[1]}/`)), 'database on a named volume');
    assert.equal(sidecar['read_only'], true, 'the sidecar runs on a read-only root filesystem');
  });

  it('starts the sidecar once the collector is healthy: live on /healthz and ready on /readyz', async (t) => {
    const [collectorName, collector] = collectorEntry as [string, Obj];
    const [, sidecar] = sidecarEntry as [string, Obj];
    assert.deepEqual(sidecar['depends_on'], { [collectorName]: { condition: 'service_healthy' } });
    const [kind, program, flag, script] = collector['healthcheck']['test'] as string[];
    assert.deepEqual([kind, program, flag], ['CMD', 'node', '-e'], 'the image has node, and no curl');
    const port = (flagValue(collector['command'] as string[], ['--listen']) as string).split(':')[1] as string;
    // Run the probe itself against a real collector: healthy while its database answers, unhealthy when not.
    let databaseUp = true;
    const { collector: running } = await startTestCollector(t, { wrap: (storage) => ({ ...storage, ping: () => (databaseUp ? storage.ping() : Promise.reject(new Error('down'))) }) });
    // Spawned without blocking: the collector answers from this very process.
    const probe = () =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, ['-e', (script as string).replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${running.port}`)], { stdio: 'ignore', timeout: 20_000 });
        child.on('exit', (code) => done(code));
      });
    assert.equal(await probe(), 0);
    databaseUp = false;
    assert.equal(await probe(), 1);
  });
});

function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity));
  assert.ok(match, `memory quantity ${quantity}`);
  const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };
  return Number(match[1]) * (match[2] ? (factor[match[2]] as number) : 1 / 2 ** 20);
}

function millicores(quantity: string): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}
