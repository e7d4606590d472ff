import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCatalogue, type CatalogueData } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { knownPlugins } from '../../src/collector/known-plugins.ts';

/** A catalogue holding only the given names, each in its category. */
function tiny(names: Partial<Record<'input' | 'output', string[]>>) {
  const category = (list: string[] = []) => ({ sharedFields: [], sharedSlots: [], components: Object.fromEntries(list.map((name) => [name, []])) });
  const data = {
    format: 1,
    connectVersion: 'test',
    source: 'test',
    root: { slots: [], defaultsWhenAbsent: {} },
    categories: { input: category(names.input), buffer: category(), processor: category(), output: category(names.output), cache: category(), rate_limit: category(), metrics: category(), tracer: category(), scanner: category() },
  } as CatalogueData;
  return createCatalogue(data);
}

describe('knownPlugins', () => {
  it('knows a name from any of the catalogues, in its own category only', () => {
    const known = knownPlugins([tiny({ input: ['kafka', 'generate'] }), tiny({ input: ['kafka', 'acme_queue'], output: ['acme_sink'] })]);
    assert.equal(known.has('input', 'generate'), true);
    assert.equal(known.has('input', 'acme_queue'), true);
    assert.equal(known.has('output', 'acme_sink'), true);
    assert.equal(known.has('output', 'kafka'), false);
    assert.equal(known.has('input', 'nope'), false);
    // kafka, generate, acme_queue and acme_sink: a name in both catalogues counts once.
    assert.equal(known.size, 4);
  });

  it('is the bundled catalogue itself when no other is given', () => {
    const bundled = bundledCatalogue();
    const known = knownPlugins([bundled]);
    assert.equal(known.size, bundled.size());
    assert.equal(known.has('output', 'aws_s3'), true);
  });
});
