import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createCatalogue, parseSlotPath, CATEGORIES } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { catalogueFromFacts } from '../../src/catalogue/from-facts.ts';
import { SHARED_DIR, sharedAvailable, SKIP_NO_SHARED } from '../helpers/shared.ts';

describe('parseSlotPath', () => {
  const cases: [string, unknown][] = [
    ['', []],
    ['[]', [{ kind: 'list' }]],
    ['inputs[]', [{ kind: 'key', key: 'inputs' }, { kind: 'list' }]],
    ['cases[].output', [{ kind: 'key', key: 'cases' }, { kind: 'list' }, { kind: 'key', key: 'output' }]],
    ['branches{}.processors[]', [{ kind: 'key', key: 'branches' }, { kind: 'map' }, { kind: 'key', key: 'processors' }, { kind: 'list' }]],
    ['[].processors[]', [{ kind: 'list' }, { kind: 'key', key: 'processors' }, { kind: 'list' }]],
    ['kafka.batching.processors[]', [{ kind: 'key', key: 'kafka' }, { kind: 'key', key: 'batching' }, { kind: 'key', key: 'processors' }, { kind: 'list' }]],
  ];
  for (const [path, steps] of cases) {
    it(`parses "${path}"`, () => assert.deepEqual(parseSlotPath(path), steps));
  }
  it('refuses a malformed path', () => assert.throws(() => parseSlotPath('a[b]')));
});

describe('bundled catalogue', () => {
  const catalogue = bundledCatalogue();

  it('is for Redpanda Connect 4.112.0 and holds every category', () => {
    assert.equal(catalogue.connectVersion, '4.112.0');
    for (const category of CATEGORIES) assert.ok(catalogue.componentsOf(category).length > 0, category);
  });

  it('knows nested slots of the components Connect nests', () => {
    const slotsOf = (category: Parameters<typeof catalogue.childSlots>[0], name: string) =>
      catalogue.childSlots(category, name).map((slot) => `${slot.path}→${slot.category}`);
    assert.deepEqual(slotsOf('output', 'switch'), ['cases[].output→output']);
    assert.deepEqual(slotsOf('processor', 'workflow'), ['branches{}.processors[]→processor']);
    assert.ok(slotsOf('input', 'broker').includes('inputs[]→input'));
    assert.deepEqual(slotsOf('output', 'reject_errored'), ['→output']);
    assert.deepEqual(slotsOf('processor', 'mapping'), []);
  });

  it('treats label, type, plugin, meta and shared fields as non-names', () => {
    for (const key of ['label', 'type', 'plugin', 'meta', 'processors']) assert.ok(catalogue.isSharedField('input', key), key);
    assert.ok(catalogue.isSharedField('metrics', 'mapping'));
    assert.ok(!catalogue.isSharedField('processor', 'processors'));
  });

  it('is exactly what the generator makes from the facts', { skip: !sharedAvailable() && SKIP_NO_SHARED }, () => {
    const facts = JSON.parse(readFileSync(`${SHARED_DIR}connect/catalog.json`, 'utf8')) as unknown;
    const bundledText = readFileSync(new URL('../../src/catalogue/connect-4.112.0.json', import.meta.url), 'utf8');
    assert.equal(JSON.stringify(catalogueFromFacts(facts), null, 1) + '\n', bundledText);
    assert.equal(createCatalogue(catalogueFromFacts(facts)).size(), 316);
  });
});

describe('catalogueFromFacts', () => {
  it('refuses something that is not a facts file', () => {
    assert.throws(() => catalogueFromFacts({ hello: 1 }), /not a component facts file/);
  });
});
