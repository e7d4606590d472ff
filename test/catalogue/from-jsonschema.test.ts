import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createCatalogue, type CategoryData, type Category } from '../../src/catalogue/catalogue.ts';
import { catalogueFromJsonSchema, NotAConnectSchemaError } from '../../src/catalogue/from-jsonschema.ts';
import { loadCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { walkComponents } from '../../src/config/walk-components.ts';
import { UserError } from '../../src/lib/errors.ts';
import { CONFIG_PATH, SCHEMA_PATH, WALKED_WITH_SCHEMA } from './fixtures/connect-schema.ts';

const schema = () => JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, any>;

const processors = { path: 'processors[]', category: 'processor' } as const;
/** What connect-jsonschema.json holds, read off the file by hand. */
const FIXTURE_CATEGORIES: Record<Category, CategoryData> = {
  input: {
    sharedFields: ['label', 'meta', 'plugin', 'processors', 'type'],
    sharedSlots: [processors],
    components: {
      broker: [
        { path: 'batching.processors[]', category: 'processor' },
        { path: 'inputs[]', category: 'input' },
      ],
      file: [{ path: 'scanner', category: 'scanner' }],
      generate: [],
      kafka: [],
      stdin: [{ path: 'scanner', category: 'scanner' }],
    },
  },
  buffer: {
    sharedFields: ['meta', 'plugin', 'type'],
    sharedSlots: [],
    components: { memory: [{ path: 'batch_policy.processors[]', category: 'processor' }], none: [] },
  },
  processor: {
    sharedFields: ['label', 'meta', 'plugin', 'type'],
    sharedSlots: [],
    components: {
      branch: [processors],
      log: [],
      mapping: [],
      noop: [],
      switch: [{ path: '[].processors[]', category: 'processor' }],
      try: [{ path: '[]', category: 'processor' }],
      workflow: [{ path: 'branches{}.processors[]', category: 'processor' }],
    },
  },
  output: {
    sharedFields: ['label', 'meta', 'plugin', 'processors', 'type'],
    sharedSlots: [processors],
    components: {
      aws_s3: [{ path: 'batching.processors[]', category: 'processor' }],
      drop: [],
      fallback: [{ path: '[]', category: 'output' }],
      reject_errored: [{ path: '', category: 'output' }],
      stdout: [],
      switch: [{ path: 'cases[].output', category: 'output' }],
    },
  },
  cache: { sharedFields: ['label', 'meta', 'plugin', 'type'], sharedSlots: [], components: { memory: [], redis: [] } },
  rate_limit: { sharedFields: ['label', 'meta', 'plugin', 'type'], sharedSlots: [], components: { local: [] } },
  metrics: { sharedFields: ['mapping', 'meta', 'plugin', 'type'], sharedSlots: [], components: { none: [], prometheus: [] } },
  tracer: { sharedFields: ['meta', 'plugin', 'type'], sharedSlots: [], components: { jaeger: [], none: [] } },
  scanner: {
    sharedFields: ['meta', 'plugin', 'type'],
    sharedSlots: [],
    components: {
      decompress: [{ path: 'into', category: 'scanner' }],
      lines: [],
      switch: [{ path: '[].scanner', category: 'scanner' }],
    },
  },
};

describe('catalogueFromJsonSchema', () => {
  it('reads each category’s names, shared fields and nested slots from a schema as Connect prints it', () => {
    assert.deepEqual(catalogueFromJsonSchema(schema()).categories, FIXTURE_CATEGORIES);
  });

  it('reads the root slots in the order Connect visits them, not in the schema’s sorted key order', () => {
    assert.deepEqual(catalogueFromJsonSchema(schema()).root.slots, [
      { path: 'input', category: 'input' },
      { path: 'buffer', category: 'buffer' },
      { path: 'pipeline.processors[]', category: 'processor' },
      { path: 'output', category: 'output' },
      { path: 'input_resources[]', category: 'input' },
      { path: 'processor_resources[]', category: 'processor' },
      { path: 'output_resources[]', category: 'output' },
      { path: 'cache_resources[]', category: 'cache' },
      { path: 'rate_limit_resources[]', category: 'rate_limit' },
      { path: 'metrics', category: 'metrics' },
      { path: 'tracer', category: 'tracer' },
    ]);
  });

  it('keeps Connect’s root defaults, and leaves out one the schema has no component for', () => {
    assert.deepEqual(catalogueFromJsonSchema(schema()).root.defaultsWhenAbsent, { input: 'stdin', buffer: 'none', output: 'stdout', metrics: 'prometheus', tracer: 'none' });
    const withoutStdin = schema();
    withoutStdin['definitions'].input.allOf[0].anyOf = withoutStdin['definitions'].input.allOf[0].anyOf.filter(
      (variant: { properties: Record<string, unknown> }) => !('stdin' in variant.properties),
    );
    assert.deepEqual(catalogueFromJsonSchema(withoutStdin).root.defaultsWhenAbsent, { buffer: 'none', output: 'stdout', metrics: 'prometheus', tracer: 'none' });
  });

  it('walks a config through every kind of slot, counts a name it does not hold as unknown and never walks tests', () => {
    const catalogue = createCatalogue(catalogueFromJsonSchema(schema()));
    const walked = walkComponents(parse(readFileSync(CONFIG_PATH, 'utf8')), catalogue, { defaults: true });
    assert.deepEqual(
      walked.map((c) => [c.path, `${c.category}/${c.name}`]),
      WALKED_WITH_SCHEMA,
    );
    assert.deepEqual(walked.find((c) => !c.known)?.written, ['kafka_franz']);
  });

  const notSchemas: [string, unknown][] = [
    ['an array', []],
    ['an object without definitions', { properties: {} }],
    ['a schema missing a category', { definitions: { input: { allOf: [{ anyOf: [] }] } }, properties: {} }],
    ['a category without its anyOf', (() => {
      const s = schema();
      delete s['definitions'].output.allOf[0].anyOf;
      return s;
    })()],
    ['root properties without an output', (() => {
      const s = schema();
      delete s['properties'].output;
      return s;
    })()],
  ];
  for (const [what, value] of notSchemas) {
    it(`refuses ${what}`, () => assert.throws(() => catalogueFromJsonSchema(value), NotAConnectSchemaError));
  }
});

describe('loadCatalogue --schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-schema-'));

  it('loads a schema file: its names, and only its names', async () => {
    const catalogue = await loadCatalogue(SCHEMA_PATH);
    assert.ok(catalogue.has('output', 'fallback'));
    assert.ok(catalogue.has('scanner', 'decompress'));
    assert.equal(catalogue.has('input', 'kafka_franz'), false);
    // 5 inputs, 2 buffers, 7 processors, 6 outputs, 2 caches, 1 rate limit, 2 metrics, 2 tracers, 3 scanners.
    assert.equal(catalogue.size(), 30);
    assert.equal(catalogue.connectVersion, 'custom');
  });

  it('gives a clear error for a file that is not JSON', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, 'input: {}');
    await assert.rejects(loadCatalogue(path), (error: unknown) => error instanceof UserError && /is not JSON/.test(error.message));
  });

  it('gives a clear error for JSON that is not a Connect schema', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }));
    await assert.rejects(loadCatalogue(path), (error: unknown) => error instanceof UserError && /not a Connect component schema/.test(error.message));
  });

  it('gives a clear error for a missing file', async () => {
    await assert.rejects(loadCatalogue(join(dir, 'nope.json')), /no such schema file/);
  });
});
