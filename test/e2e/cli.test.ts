/**
 * The commands a user types, run as the built binary: --dry-run, inspect,
 * status, --help and --version, and their errors.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllBinaries, runBinary } from '../helpers/binary.ts';
import { serialiseState } from '../../src/sidecar/state/state.ts';
import { CONFIG_PATH, SCHEMA_PATH, WALKED_WITH_SCHEMA } from '../catalogue/fixtures/connect-schema.ts';

after(killAllBinaries);

const PIPELINE = `input:
  label: in_label
  kafka_franz:
    seed_brokers: ["\${BROKERS:localhost:9092}"]
    topics: [orders]
pipeline:
  processors:
    - label: route
      switch:
        - check: this.kind == "aws_s3"
          processors:
            - mapping: 'root.sink = "http_client"'
output:
  aws_s3:
    bucket: kafka
    batching:
      count: 10
      processors:
        - archive:
            format: lines
`;

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'ct-cli-'));
  writeFileSync(join(dir, 'config.yaml'), PIPELINE);
  return dir;
}

interface Payload {
  id: string;
  uptime: number;
  components: { type: string; name: string }[];
  hostInfo: { numCpu: number; goMaxProcs: number; goArch: string; goOS: string };
}

describe('--dry-run', () => {
  it('prints the exact payload and writes nothing', async () => {
    const dir = workdir();
    const result = await runBinary(['--dry-run', '--config', join(dir, 'config.yaml'), '--state-dir', join(dir, 'state')]);
    assert.equal(result.code, 0, result.stderr);
    const payload = JSON.parse(result.stdout) as Payload;
    assert.deepEqual(Object.keys(payload), ['id', 'uptime', 'components', 'hostInfo']);
    assert.deepEqual(payload.components.map((c) => `${c.type}/${c.name}`), [
      'input/kafka_franz',
      'buffer/none',
      'processor/switch',
      'processor/mapping',
      'output/aws_s3',
      'processor/archive',
      'metrics/prometheus',
      'tracer/none',
    ]);
    assert.equal(payload.uptime, 0);
    assert.equal(payload.hostInfo.goMaxProcs, payload.hostInfo.numCpu);
    assert.match(result.stderr, /fresh instance ID that is not saved/);
    assert.ok(!existsSync(join(dir, 'state')), 'nothing written');
    for (const secret of ['in_label', 'route', 'orders', 'localhost:9092', 'http_client', 'kafka"', 'lines']) {
      assert.ok(!result.stdout.includes(secret), secret);
    }
  });

  it('uses the persisted ID and first start when the state dir holds them', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'state'));
    const firstStartedAt = Date.now() - 3 * 86_400_000;
    const instanceId = '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
    writeFileSync(join(dir, 'state/state.json'), serialiseState({ instanceId, firstStartedAt }));
    const result = await runBinary(['--dry-run', '-c', join(dir, 'config.yaml'), '--state-dir', join(dir, 'state')]);
    const payload = JSON.parse(result.stdout) as Payload;
    assert.equal(payload.id, instanceId);
    assert.ok(Math.abs(payload.uptime - 3 * 86_400) <= 5, `uptime ${payload.uptime}`);
    assert.equal(result.stderr, '');
  });

  it('reads the config from the environment variable', async () => {
    const dir = workdir();
    const result = await runBinary(['--dry-run'], { CONNECT_TELEMETRY_CONFIG: join(dir, 'config.yaml'), CONNECT_TELEMETRY_STATE_DIR: join(dir, 'state') });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Payload).components[0]?.name, 'kafka_franz');
  });

  it("finds the config in Connect's default place and says which one it used", async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'connect.yaml'), 'output:\n  drop: {}\n');
    const result = await runBinary(['--dry-run', '--state-dir', join(dir, 'state')], {}, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /using config .*connect\.yaml \(Connect's default location\)/);
    assert.ok((JSON.parse(result.stdout) as Payload).components.some((c) => c.name === 'drop'));
  });

  it('summarises a streams directory plus resource files', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'streams'));
    writeFileSync(join(dir, 'streams/a.yaml'), 'input:\n  generate: {}\n');
    writeFileSync(join(dir, 'streams/b.yml'), 'output:\n  drop: {}\n');
    writeFileSync(join(dir, 'streams/notes.txt'), 'input: {kafka: {}}\n');
    writeFileSync(join(dir, 'resources.yaml'), 'cache_resources:\n  - label: c\n    redis: {}\n');
    const result = await runBinary(['--dry-run', '-c', join(dir, 'streams'), '-r', join(dir, '*.yaml'), '--state-dir', join(dir, 'state')]);
    assert.equal(result.code, 0, result.stderr);
    const names = (JSON.parse(result.stdout) as Payload).components.map((c) => `${c.type}/${c.name}`);
    assert.deepEqual(names, [
      'input/generate', 'buffer/none', 'output/stdout',
      'input/stdin', 'buffer/none', 'output/drop',
      // resources.yaml and config.yaml both match the glob; config.yaml has no resources
      'cache/redis',
      'metrics/prometheus', 'tracer/none',
    ]);
  });

  const failures: [string, (dir: string) => string[], RegExp][] = [
    ['a missing file', (dir) => ['-c', join(dir, 'missing.yaml')], /no such config file: .*missing\.yaml/],
    ['a directory with no configs', (dir) => (mkdirSync(join(dir, 'empty')), ['-c', join(dir, 'empty')]), /no stream configs/],
    ['invalid YAML', (dir) => (writeFileSync(join(dir, 'bad.yaml'), 'input:\n  kafka: [\n'), ['-c', join(dir, 'bad.yaml')]), /bad\.yaml: invalid YAML at line \d+, column \d+/],
    ['a file that is not a mapping', (dir) => (writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n'), ['-c', join(dir, 'list.yaml')]), /list\.yaml: a config must be a YAML mapping/],
    ['a bad duration', (dir) => ['-c', join(dir, 'config.yaml'), '--delay', 'soon'], /--delay: "soon" is not a duration/],
    ['a schema that is not a Connect schema', (dir) => (writeFileSync(join(dir, 's.json'), '{}'), ['-c', join(dir, 'config.yaml'), '--schema', join(dir, 's.json')]), /not a Connect component schema/],
  ];
  for (const [what, args, message] of failures) {
    it(`exits 2 with one clear line for ${what}`, async () => {
      const dir = workdir();
      const result = await runBinary(['--dry-run', '--state-dir', join(dir, 'state'), ...args(dir)]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    });
  }
});

describe('inspect', () => {
  it('shows path, category and name of every component, and the unknown names locally', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'config.yaml'), PIPELINE.replace('aws_s3:', 'my_inhouse_sink:'));
    const result = await runBinary(['inspect', '-c', join(dir, 'config.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /pipeline\.processors\.0\.switch\.0\.processors\.0\s+processor\s+mapping\s+inferred: 1 known key of 1/);
    assert.match(result.stdout, /output\s+output\s+unknown\s+unknown: no key the catalogue knows \(written "my_inhouse_sink"\)/);
    assert.match(result.stdout, /buffer\s+buffer\s+none\s+Connect's default when the config leaves it out/);
    assert.match(result.stdout, /7 components in 1 file/);
  });

  it('prints JSON with --json', async () => {
    const dir = workdir();
    const result = await runBinary(['inspect', '--json', '-c', join(dir, 'config.yaml')]);
    const json = JSON.parse(result.stdout) as { mode: string; files: { components: { path: string }[] }[] };
    assert.equal(json.mode, 'single');
    assert.equal(json.files[0]?.components[2]?.path, 'pipeline.processors.0');
  });

  it('exits 2 on invalid YAML', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'config.yaml'), 'a: [\n');
    const result = await runBinary(['inspect', '-c', join(dir, 'config.yaml')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid YAML at line/);
  });
});

describe('--schema', () => {
  const componentsOf = (stdout: string) => (JSON.parse(stdout) as Payload).components.map((c) => `${c.type}/${c.name}`);

  it('walks the config with the components of a schema as `rpk connect list --format jsonschema` prints it', async () => {
    const dir = workdir();
    const result = await runBinary(['--dry-run', '-c', CONFIG_PATH, '--schema', SCHEMA_PATH, '--state-dir', join(dir, 'state')]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(componentsOf(result.stdout), WALKED_WITH_SCHEMA.map(([, component]) => component));
    // The bundled catalogue knows the broker's second input; that schema does not.
    const bundled = await runBinary(['--dry-run', '-c', CONFIG_PATH, '--state-dir', join(dir, 'state')]);
    assert.equal(componentsOf(bundled.stdout)[5], 'input/kafka_franz');
  });

  it('takes the schema from CONNECT_TELEMETRY_SCHEMA; inspect shows where each component sits', async () => {
    const result = await runBinary(['inspect', '--json', '-c', CONFIG_PATH], { CONNECT_TELEMETRY_SCHEMA: SCHEMA_PATH });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { files: { components: { path: string; category: string; name: string }[] }[] };
    assert.deepEqual(
      json.files[0]?.components.map((c) => [c.path, `${c.category}/${c.name}`]),
      WALKED_WITH_SCHEMA,
    );
  });
});

describe('status', () => {
  it('shows the identity, uptime, next report and last outcome', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'state'));
    const firstStartedAt = Date.now() - 8 * 86_400_000;
    writeFileSync(join(dir, 'state/state.json'), serialiseState({
      instanceId: '2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
      firstStartedAt,
      lastReport: { at: Date.now() - 60_000, outcome: 'sent', status: 204 },
    }));
    const text = await runBinary(['status', '--state-dir', join(dir, 'state'), '--endpoint', 'https://t.example/x']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /instance ID:\s+2f1d3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b/);
    assert.match(text.stdout, /uptime:\s+8d/);
    assert.match(text.stdout, /last report:\s+\S+ sent \(HTTP 204\)/);
    assert.match(text.stdout, /telemetry:\s+enabled/);
    const json = await runBinary(['status', '--json', '--state-dir', join(dir, 'state')], { DO_NOT_TRACK: '1' });
    const status = JSON.parse(json.stdout) as { uptimeSeconds: number; telemetry: { enabled: boolean; reason: string }; nextReportAt: string | null };
    assert.ok(status.uptimeSeconds >= 8 * 86_400);
    assert.deepEqual(status.telemetry, { enabled: false, reason: 'DO_NOT_TRACK is set' });
    assert.equal(status.nextReportAt, null);
  });

  it('says when there is no state yet', async () => {
    const dir = workdir();
    const result = await runBinary(['status', '--state-dir', join(dir, 'nothing')]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /instance ID:\s+none \(no state in /);
  });
});

describe('--help and --version', () => {
  it('prints the version from package.json', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    const result = await runBinary(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it('lists the commands, and every run flag', async () => {
    const top = await runBinary(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['run', 'inspect', 'status']) assert.match(top.stdout, new RegExp(`\\n\\s+${command}\\b`));
    const run = await runBinary(['run', '--help']);
    for (const flag of ['--config', '--resources', '--schema', '--state-dir', '--endpoint', '--schedule', '--delay', '--period', '--timeout', '--signing-key', '--ca-file', '--allow-insecure-endpoint', '--disable-telemetry', '--dry-run', '--log-level']) {
      assert.ok(run.stdout.includes(flag), flag);
    }
  });

  it('exits 2 on an unknown flag', async () => {
    const result = await runBinary(['--no-such-flag']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option/);
  });
});
