/**
 * `demo` with the built binary: a collector and real sidecar daemons, then
 * the report over what the sidecars sent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const demos = () => readdirSync(tmpdir()).filter((name) => name.startsWith('connect-telemetry-demo-'));

/**
 * The plugins of the four configs in examples/demo/, read off the files by
 * hand: how many configs use each (instances) and how often it appears in
 * all of them (occurrences). Every config gets the buffer, metrics and tracer
 * Connect fills in; s3-replay's switch output holds two kafka_franz outputs.
 */
const DEMO_PLUGINS: Record<string, [instances: number, occurrences: number]> = {
  'buffer/none': [4, 4],
  'metrics/prometheus': [4, 4],
  'tracer/none': [4, 4],
  'input/postgres_cdc': [1, 1], // cdc-to-elasticsearch
  'processor/branch': [1, 1],
  'processor/cached': [1, 1],
  'processor/http': [1, 1],
  'output/elasticsearch_v8': [1, 1],
  'cache/redis': [1, 1],
  'processor/mutation': [3, 3], // cdc-to-elasticsearch, kafka-to-s3, s3-replay
  'input/http_server': [1, 1], // http-to-redpanda
  'processor/json_schema': [1, 1],
  'processor/dedupe': [1, 1],
  'output/redpanda': [1, 1],
  'cache/memory': [1, 1],
  'processor/mapping': [3, 3], // http-to-redpanda, kafka-to-s3, s3-replay
  'input/kafka_franz': [1, 1], // kafka-to-s3
  'output/aws_s3': [1, 1],
  'processor/archive': [1, 1],
  'input/aws_s3': [1, 1], // s3-replay
  'scanner/lines': [1, 1],
  'processor/try': [1, 1],
  'processor/catch': [1, 1],
  'processor/log': [1, 1],
  'output/switch': [1, 1],
  'output/kafka_franz': [1, 2],
};

describe('connect-telemetry demo (built binary)', () => {
  it('reports what each demo config uses, from reports real sidecars sent, and cleans up', async () => {
    const before = new Set(demos());
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'connect-telemetry.js'), 'demo', '--format', 'json', '--timeout', '60s'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);

    const report = JSON.parse(stdout);
    assert.equal(report.instances, 4);
    const got = new Map<string, { instances: number; occurrences: number }>(
      report.plugins.map((p: { type: string; name: string; instances: number; occurrences: number }) => [`${p.type}/${p.name}`, { instances: p.instances, occurrences: p.occurrences }]),
    );
    const expected = Object.entries(DEMO_PLUGINS).map(([key, [instances, occurrences]]) => [key, { instances, occurrences }] as const);
    assert.deepEqual(new Map([...got].sort()), new Map(expected.sort()));
    assert.deepEqual(demos().filter((d) => !before.has(d)), [], 'the temporary directory is removed');
  });
});
