import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalogue, type CatalogueData } from '../../src/catalogue/catalogue.ts';
import { catalogueFromJsonSchema, NotAConnectSchemaError } from '../../src/catalogue/from-jsonschema.ts';
import bundled from '../../src/catalogue/connect-4.112.0.json' with { type: 'json' };
import { loadCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { walkComponents } from '../../src/config/walk-components.ts';
import { UserError } from '../../src/lib/errors.ts';
import { catalogueToJsonSchema } from '../helpers/catalogue-to-jsonschema.ts';

const data = bundled as CatalogueData;

describe('catalogueFromJsonSchema', () => {
  const fromSchema = catalogueFromJsonSchema(catalogueToJsonSchema(data));

  it('reads the same names, shared fields and slots as the bundled catalogue', () => {
    assert.deepEqual(fromSchema.categories, data.categories);
    assert.deepEqual(fromSchema.root.slots, data.root.slots);
    assert.deepEqual(fromSchema.root.defaultsWhenAbsent, data.root.defaultsWhenAbsent);
  });

  it('walks a config exactly as the bundled catalogue does', () => {
    const tree = {
      input: { broker: { inputs: [{ kafka: {}, processors: [{ mapping: 'x' }] }, { generate: {} }] } },
      pipeline: { processors: [{ workflow: { branches: { a: { processors: [{ switch: [{ processors: [{ log: {} }] }] }] } } } }] },
      output: { switch: { cases: [{ output: { aws_s3: { batching: { processors: [{ archive: {} }] } } } }] } },
      tests: [{ processors: [{ mapping: 'never walked' }] }],
    };
    assert.deepEqual(
      walkComponents(tree, createCatalogue(fromSchema), { defaults: true }),
      walkComponents(tree, createCatalogue(data), { defaults: true }),
    );
  });

  const notSchemas: [string, unknown][] = [
    ['an array', []],
    ['an object without definitions', { properties: {} }],
    ['a schema missing a category', { definitions: { input: { allOf: [{ anyOf: [] }] } }, properties: {} }],
  ];
  for (const [what, value] of notSchemas) {
    it(`refuses ${what}`, () => assert.throws(() => catalogueFromJsonSchema(value), NotAConnectSchemaError));
  }
});

describe('loadCatalogue --schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-schema-'));

  it('loads a schema file', async () => {
    const path = join(dir, 'schema.json');
    writeFileSync(path, JSON.stringify(catalogueToJsonSchema(data)));
    const catalogue = await loadCatalogue(path);
    assert.ok(catalogue.has('output', 'aws_s3'));
    assert.equal(catalogue.size(), createCatalogue(data).size());
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
