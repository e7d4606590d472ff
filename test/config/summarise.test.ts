import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { allComponents, summarise, summariseText } from '../../src/config/summarise.ts';
import { UserError } from '../../src/lib/errors.ts';

const catalogue = bundledCatalogue();
const names = (components: { category: string; name: string }[]) => components.map((c) => `${c.category}/${c.name}`);

describe('summarise', () => {
  it('counts stream defaults per stream file and metrics/tracer once for the instance', () => {
    const summary = summarise(
      [
        { path: 'a.yaml', role: 'stream', text: 'input:\n  generate: {}\n' },
        { path: 'b.yaml', role: 'stream', text: 'output:\n  drop: {}\n' },
      ],
      catalogue,
      {},
    );
    assert.deepEqual(names(allComponents(summary)), [
      'input/generate', 'buffer/none', 'output/stdout',
      'input/stdin', 'buffer/none', 'output/drop',
      'metrics/prometheus', 'tracer/none',
    ]);
  });

  it('adds resource files without defaults', () => {
    const summary = summarise(
      [
        { path: 'main.yaml', role: 'main', text: 'input:\n  generate: {}\noutput:\n  drop: {}\n' },
        { path: 'res.yaml', role: 'resource', text: 'cache_resources:\n  - label: c\n    memory: {}\n' },
      ],
      catalogue,
      {},
    );
    assert.deepEqual(names(allComponents(summary)), ['input/generate', 'buffer/none', 'output/drop', 'metrics/prometheus', 'tracer/none', 'cache/memory']);
  });

  it('reads only the *_resources fields of a resource file, as Connect does', () => {
    const file = summariseText({ path: 'r.yaml', role: 'resource', text: 'input:\n  kafka: {}\nprocessor_resources:\n  - label: p\n    mapping: root = this\noutput:\n  drop: {}\n' }, catalogue, {});
    assert.deepEqual(names(file.components), ['processor/mapping']);
  });

  it('interpolates ${VAR:default} before parsing', () => {
    const file = summariseText({ path: 'x.yaml', role: 'resource', text: 'output_resources:\n  - label: o\n    ${OUT_KIND:drop}: {}\n' }, catalogue, {});
    assert.deepEqual(names(file.components), ['output/drop']);
  });

  it('treats an empty file or one with only comments as a config that leaves everything to defaults', () => {
    for (const text of ['', '# nothing here\n']) {
      assert.deepEqual(names(summariseText({ path: 'x.yaml', role: 'main', text }, catalogue, {}).components), ['input/stdin', 'buffer/none', 'output/stdout', 'metrics/prometheus', 'tracer/none']);
    }
  });

  it('refuses a file that is not a mapping, naming the file', () => {
    for (const text of ['- a\n- b\n', 'just a string\n', '42\n']) {
      assert.throws(() => summariseText({ path: 'x.yaml', role: 'main', text }, catalogue, {}), (e: unknown) => e instanceof UserError && /^x\.yaml: a config must be a YAML mapping/.test(e.message));
    }
  });

  it('reads only the non-stream fields of the observability config of streams mode, as Connect does', () => {
    const summary = summarise(
      [
        { path: 'o.yaml', role: 'observability', text: 'input:\n  kafka: {}\noutput:\n  drop: {}\nmetrics:\n  statsd: {}\ncache_resources:\n  - label: c\n    memory: {}\n' },
        { path: 's.yaml', role: 'stream', text: 'input:\n  generate: {}\n' },
      ],
      catalogue,
      {},
    );
    assert.deepEqual(names(allComponents(summary)), ['cache/memory', 'metrics/statsd', 'input/generate', 'buffer/none', 'output/stdout', 'tracer/none']);
  });

  it("counts the instance's defaults once in streams mode, even before any stream file exists", () => {
    const summary = summarise([{ path: 'o.yaml', role: 'observability', text: 'tracer:\n  jaeger: {}\n' }], catalogue, {});
    assert.deepEqual(names(allComponents(summary)), ['tracer/jaeger', 'metrics/prometheus']);
  });

  it('names the file and line of a reference Connect refuses', () => {
    assert.throws(
      () => summariseText({ path: 'x.yaml', role: 'main', text: 'input:\n  ${KIND|rot13}: {}\n' }, catalogue, { KIND: 'kafka' }),
      (e: unknown) => e instanceof UserError && /^x\.yaml: line 2: .*unknown function/.test(e.message),
    );
  });

  it('names the file and position of invalid YAML', () => {
    assert.throws(() => summariseText({ path: 'bad.yaml', role: 'main', text: 'input: [\n' }, catalogue, {}), /bad\.yaml: invalid YAML at line \d+, column \d+/);
  });
});
