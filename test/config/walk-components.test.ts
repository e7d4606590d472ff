import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { walkComponents, nameComponent, WalkLimitError, type NodeName, type WalkOptions } from '../../src/config/walk-components.ts';

const catalogue = bundledCatalogue();
const walk = (yaml: string, options: WalkOptions = { defaults: false }) =>
  walkComponents(parse(yaml, { merge: true }), catalogue, options).map((c) => `${c.path} ${c.category}/${c.name}${c.defaulted ? ' (default)' : ''}`);

describe('walkComponents', () => {
  it('finds the root components and nested broker inputs in document order', () => {
    assert.deepEqual(
      walk(`
input:
  broker:
    inputs:
      - kafka: {}
      - generate: {}
        processors:
          - mapping: root = this
output:
  stdout: {}
`),
      [
        'input input/broker',
        'input.broker.inputs.0 input/kafka',
        'input.broker.inputs.1 input/generate',
        'input.broker.inputs.1.processors.0 processor/mapping',
        'output output/stdout',
      ],
    );
  });

  it('follows switch outputs, branch and workflow processors, and batching processors', () => {
    assert.deepEqual(
      walk(`
pipeline:
  processors:
    - switch:
        - check: this.a == 1
          processors:
            - branch:
                processors:
                  - http: {}
    - workflow:
        branches:
          enrich:
            processors:
              - cache: {}
output:
  switch:
    cases:
      - check: true
        output:
          aws_s3:
            batching:
              processors:
                - archive: {}
`),
      [
        'pipeline.processors.0 processor/switch',
        'pipeline.processors.0.switch.0.processors.0 processor/branch',
        'pipeline.processors.0.switch.0.processors.0.branch.processors.0 processor/http',
        'pipeline.processors.1 processor/workflow',
        'pipeline.processors.1.workflow.branches.enrich.processors.0 processor/cache',
        'output output/switch',
        'output.switch.cases.0.output output/aws_s3',
        'output.switch.cases.0.output.aws_s3.batching.processors.0 processor/archive',
      ],
    );
  });

  it('finds scanners, resources, metrics and tracer', () => {
    assert.deepEqual(
      walk(`
input:
  file:
    paths: [a.txt]
    scanner:
      decompress:
        into:
          lines: {}
cache_resources:
  - label: c1
    redis: {}
rate_limit_resources:
  - label: r1
    local: {}
processor_resources:
  - label: p1
    mapping: root = this
metrics:
  prometheus: {}
  mapping: meta = deleted()
tracer:
  jaeger: {}
`),
      [
        'input input/file',
        'input.file.scanner scanner/decompress',
        'input.file.scanner.decompress.into scanner/lines',
        'processor_resources.0 processor/mapping',
        'cache_resources.0 cache/redis',
        'rate_limit_resources.0 rate_limit/local',
        'metrics metrics/prometheus',
        'tracer tracer/jaeger',
      ],
    );
  });

  it('reads the name from type: in the older style', () => {
    assert.deepEqual(walk(`input:\n  type: kafka\n  kafka:\n    addresses: [x]\noutput:\n  type: broker\n  broker:\n    outputs:\n      - type: stdout\n`), [
      'input input/kafka',
      'output output/broker',
      'output.broker.outputs.0 output/stdout',
    ]);
  });

  it('is not fooled by labels, field values or mappings that look like plugin names', () => {
    const found = walk(`
input:
  label: aws_s3
  generate:
    mapping: 'root = "http_client"'
  processors:
    - label: kafka
      mapping: root.kafka = "kafka"
output:
  label: stdout
  file:
    path: kafka
    codec: lines
`);
    assert.deepEqual(found, ['input input/generate', 'input.processors.0 processor/mapping', 'output output/file']);
  });

  it('does not walk tests, http, logger or other non-component fields', () => {
    assert.deepEqual(walk(`
http: { enabled: true }
logger: { level: INFO }
tests:
  - name: t
    target_processors: /pipeline/processors
    input_batch: [{ content: x }]
    output_batches: [[{ bloblang: 'this == "x"' }]]
output:
  drop: {}
`), ['output output/drop']);
  });

  it('counts each occurrence, including aliased lists used twice', () => {
    assert.deepEqual(walk(`
pipeline:
  processors: &procs
    - mapping: root = this
output:
  broker:
    outputs:
      - stdout: {}
        processors: *procs
      - drop: {}
        processors: *procs
`), [
      'pipeline.processors.0 processor/mapping',
      'output output/broker',
      'output.broker.outputs.0 output/stdout',
      'output.broker.outputs.0.processors.0 processor/mapping',
      'output.broker.outputs.1 output/drop',
      'output.broker.outputs.1.processors.0 processor/mapping',
    ]);
  });

  it('resolves << merge keys', () => {
    assert.deepEqual(walk(`
x-base: &base
  kafka:
    addresses: [a]
input:
  <<: *base
`), ['input input/kafka']);
  });

  it('reports names the catalogue lacks as unknown and does not look inside them', () => {
    const components = walkComponents(parse(`input:\n  my_private_plugin:\n    inner:\n      kafka: {}\n    processors: []\n`), catalogue, { defaults: false });
    assert.deepEqual(components, [
      { category: 'input', name: 'unknown', path: 'input', known: false, naming: { rule: 'no-known-key', keys: 1 }, written: ['my_private_plugin'] },
    ]);
  });

  it('counts the defaults of a main config that leaves root components out', () => {
    assert.deepEqual(walk(`pipeline:\n  processors:\n    - mapping: root = this\n`, { defaults: true }), [
      'input input/stdin (default)',
      'buffer buffer/none (default)',
      'pipeline.processors.0 processor/mapping',
      'output output/stdout (default)',
      'metrics metrics/prometheus (default)',
      'tracer tracer/none (default)',
    ]);
  });

  it('counts only the requested defaults (stream files)', () => {
    assert.deepEqual(walk(`input:\n  generate: {}\n`, { defaults: ['input', 'buffer', 'output'] }), [
      'input input/generate',
      'buffer buffer/none (default)',
      'output output/stdout (default)',
    ]);
  });

  it('gives resource files no defaults', () => {
    assert.deepEqual(walk(`cache_resources:\n  - label: a\n    memory: {}\n`), ['cache_resources.0 cache/memory']);
  });

  it('refuses a config that refers to itself through an alias', () => {
    const node: Record<string, unknown> = { try: [] };
    (node['try'] as unknown[]).push(node);
    assert.throws(() => walkComponents({ pipeline: { processors: [node] } }, catalogue, { defaults: false }), WalkLimitError);
  });

  it('refuses nesting past the depth limit with a clear error', () => {
    let node: unknown = { mapping: 'x' };
    for (let i = 0; i < 50; i++) node = { try: [node] };
    assert.throws(() => walkComponents({ pipeline: { processors: [node] } }, catalogue, { defaults: false, maxDepth: 20 }), /nested more than 20 levels/);
  });

  it('names only the top-level component in a limit error: deeper keys are the user\'s', () => {
    let node: unknown = { mapping: 'x' };
    for (let i = 0; i < 30; i++) node = { workflow: { branches: { secret_branch_name: { processors: [node] } } } };
    assert.throws(
      () => walkComponents({ pipeline: { processors: [{ mapping: 'y' }, node] } }, catalogue, { defaults: false, maxDepth: 20 }),
      (error: unknown) => error instanceof WalkLimitError && /under pipeline\.processors\.1$/.test(error.message) && !error.message.includes('secret_branch_name'),
    );
  });

  it('refuses more components than the limit', () => {
    const processors = Array.from({ length: 11 }, () => ({ mapping: 'x' }));
    assert.throws(() => walkComponents({ pipeline: { processors } }, catalogue, { defaults: false, maxComponents: 10 }), /more than 10 components/);
  });
});

describe('nameComponent', () => {
  const cases: [Record<string, unknown>, NodeName][] = [
    [{ kafka: {} }, { naming: { rule: 'inferred', keys: 1 }, name: 'kafka' }],
    [{ label: 'x', kafka: {}, processors: [] }, { naming: { rule: 'inferred', keys: 1 }, name: 'kafka' }],
    [{ my_plugin: {}, kafka: {}, addresses: [] }, { naming: { rule: 'inferred', keys: 3 }, name: 'kafka' }],
    [{ type: 'kafka', kafka: {} }, { naming: { rule: 'type' }, name: 'kafka' }],
    [{ type: 'kafka' }, { naming: { rule: 'type' }, name: 'kafka' }],
    // `type:` wins over a key that names another component, as in Connect.
    [{ type: 'kafka', amqp_1: {} }, { naming: { rule: 'type' }, name: 'kafka' }],
    // A `type:` Connect does not know is refused, not inferred from the keys.
    [{ type: 'my_plugin', kafka: {} }, { naming: { rule: 'unknown-type' }, written: ['my_plugin'] }],
    [{ type: '', kafka: {} }, { naming: { rule: 'unknown-type' }, written: [''] }],
    // A `type:` that is not a string is only a reserved key.
    [{ type: 3, kafka: {} }, { naming: { rule: 'inferred', keys: 1 }, name: 'kafka' }],
    [{ label: 'only a label' }, { naming: { rule: 'no-known-key', keys: 0 }, written: [] }],
    [{ my_plugin: {}, other: 1 }, { naming: { rule: 'no-known-key', keys: 2 }, written: ['my_plugin', 'other'] }],
    [{ kafka: {}, amqp_1: {}, x: 1 }, { naming: { rule: 'several-known-keys', keys: 3, known: 2 }, written: ['kafka', 'amqp_1'] }],
  ];
  for (const [node, expected] of cases) {
    it(`names the input ${JSON.stringify(node)}: ${expected.name ?? expected.naming.rule}`, () => assert.deepEqual(nameComponent(node, 'input', catalogue), expected));
  }

  it('reserves label only where the category has one, as Connect does', () => {
    // A buffer has no label: `label` is a candidate there, though never a known one.
    assert.deepEqual(nameComponent({ label: 'x', memory: {} }, 'buffer', catalogue), { naming: { rule: 'inferred', keys: 2 }, name: 'memory' });
    assert.deepEqual(nameComponent({ label: 'x', kafka: {} }, 'input', catalogue), { naming: { rule: 'inferred', keys: 1 }, name: 'kafka' });
    // Metrics reserve `mapping`; processors do not.
    assert.deepEqual(nameComponent({ mapping: 'x', prometheus: {} }, 'metrics', catalogue), { naming: { rule: 'inferred', keys: 1 }, name: 'prometheus' });
  });
});

describe('walkComponents on real-world shapes Connect still infers', () => {
  const walkMain = (yaml: string) => walk(yaml, { defaults: true });

  it('infers sql_insert when its fields sit one level too shallow, beside it', () => {
    assert.deepEqual(
      walkMain(`
input:
  kafka_franz:
    seed_brokers: [localhost:9092]
    topics: [events]
output:
  sql_insert:
  driver: postgres
  dsn: postgres://user:pass@db:5432/events
  table: events
  columns: [id, body]
  args_mapping: root = [ this.id, content().string() ]
`),
      [
        'input input/kafka_franz',
        'buffer buffer/none (default)',
        'output output/sql_insert',
        'metrics metrics/prometheus (default)',
        'tracer tracer/none (default)',
      ],
    );
  });

  it('infers the known component beside a custom plugin, and walks what is under it', () => {
    assert.deepEqual(
      walkMain(`
input:
  label: orders
  acme_order_feed:
    region: eu
  kafka_franz:
    seed_brokers: [localhost:9092]
    topics: [orders]
  processors:
    - acme_enrich:
        level: 2
      mapping: root = this
output:
  drop: {}
`),
      [
        'input input/kafka_franz',
        'input.processors.0 processor/mapping',
        'buffer buffer/none (default)',
        'output output/drop',
        'metrics metrics/prometheus (default)',
        'tracer tracer/none (default)',
      ],
    );
  });

  it('keeps a switch output, its kafka_franz outputs and bloblang processors when a logger block is mis-indented beside it', () => {
    assert.deepEqual(
      walkMain(`
input:
  http_server:
    path: /ingest
output:
  switch:
    cases:
      - check: this.kind == "order"
        output:
          kafka_franz:
            seed_brokers: [localhost:9092]
            topic: orders
          processors:
            - bloblang: root = this.order
      - check: this.kind == "refund"
        output:
          kafka_franz:
            seed_brokers: [localhost:9092]
            topic: refunds
          processors:
            - bloblang: root = this.refund
      - output:
          kafka_franz:
            seed_brokers: [localhost:9092]
            topic: other
          processors:
            - bloblang: root = this
  logger:
    level: INFO
    format: logfmt
`),
      [
        'input input/http_server',
        'buffer buffer/none (default)',
        'output output/switch',
        'output.switch.cases.0.output output/kafka_franz',
        'output.switch.cases.0.output.processors.0 processor/bloblang',
        'output.switch.cases.1.output output/kafka_franz',
        'output.switch.cases.1.output.processors.0 processor/bloblang',
        'output.switch.cases.2.output output/kafka_franz',
        'output.switch.cases.2.output.processors.0 processor/bloblang',
        'metrics metrics/prometheus (default)',
        'tracer tracer/none (default)',
      ],
    );
  });

  it('counts a node with two known keys once as unknown, and still walks its shared processors', () => {
    assert.deepEqual(
      walkMain(`
input:
  kafka: {}
  amqp_1: {}
  processors:
    - mapping: root = this
`),
      [
        'input input/unknown',
        'input.processors.0 processor/mapping',
        'buffer buffer/none (default)',
        'output output/stdout (default)',
        'metrics metrics/prometheus (default)',
        'tracer tracer/none (default)',
      ],
    );
  });

  it('counts a node whose keys the catalogue does not know once as unknown, whatever their number', () => {
    assert.deepEqual(walk(`pipeline:\n  processors:\n    - acme_one: {}\n      acme_two: {}\n    - label: only\n`), [
      'pipeline.processors.0 processor/unknown',
      'pipeline.processors.1 processor/unknown',
    ]);
  });

  it('counts nothing for an empty mapping, as at the root', () => {
    assert.deepEqual(walk(`pipeline:\n  processors:\n    - {}\noutput:\n  reject_errored: {}\n`), ['output output/reject_errored']);
  });

  it('counts a type: the catalogue does not know as unknown, even beside a known key', () => {
    assert.deepEqual(walk(`output:\n  type: acme_sink\n  drop: {}\n`), ['output output/unknown']);
  });
});
