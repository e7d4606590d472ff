import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { MAX_COMPONENTS, MAX_DISTINCT_COMPONENTS, validateReport as validateWith } from '../../src/collector/validate-report.ts';

const catalogue = bundledCatalogue();
const validateReport = (body: unknown) => validateWith(body, catalogue);

const good = {
  id: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
  uptime: 3600,
  components: [
    { type: 'input', name: 'generate' },
    { type: 'output', name: 'aws_s3' },
  ],
  hostInfo: { numCpu: 8, goMaxProcs: 8, goArch: 'arm64', goOS: 'linux' },
};

describe('validateReport', () => {
  it('accepts Connect’s payload, lower-cases a UUID and drops fields it does not know', () => {
    const result = validateReport({ ...good, deploymentType: 'serverless', tenantId: 't-1' });
    assert.deepEqual(result, {
      ok: true,
      report: {
        id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        uptime: 3600,
        components: good.components,
        host: { numCpu: 8, goMaxProcs: 8, goArch: 'arm64', goOS: 'linux' },
      },
    });
  });

  it('accepts Connect’s 20-character xid as the instance ID', () => {
    const result = validateReport({ ...good, id: 'cv37img8ne4lr5kqcbkg' });
    assert.equal(result.ok && result.report.id, 'cv37img8ne4lr5kqcbkg');
  });

  it('accepts a report without hostInfo and an empty component list', () => {
    const result = validateReport({ id: good.id, uptime: 0, components: [] });
    assert.ok(result.ok);
    assert.deepEqual(result.report.host, { numCpu: null, goMaxProcs: null, goArch: null, goOS: null });
  });

  const refused: [string, unknown, RegExp][] = [
    ['not an object', [good], /JSON object/],
    ['no id', { ...good, id: undefined }, /id must be/],
    ['an id that is neither UUID nor xid', { ...good, id: 'host-42' }, /id must be/],
    ['an xid with a letter past v', { ...good, id: 'cv37img8ne4lr5kqcbkz' }, /id must be/],
    ['a negative uptime', { ...good, uptime: -1 }, /uptime/],
    ['a fractional uptime', { ...good, uptime: 1.5 }, /uptime/],
    ['an uptime as a string', { ...good, uptime: '10' }, /uptime/],
    ['components not a list', { ...good, components: {} }, /components must be an array/],
    ['an unknown category', { ...good, components: [{ type: 'sink', name: 'x' }] }, /components\[0\]\.type/],
    ['a name that is not plugin-shaped', { ...good, components: [{ type: 'input', name: 'My Plugin' }] }, /components\[0\]\.name/],
    ['a name with a path in it', { ...good, components: [{ type: 'input', name: '../etc' }] }, /components\[0\]\.name/],
    ['a component that is not an object', { ...good, components: ['input/generate'] }, /components\[0\]/],
    ['a hostInfo that is not an object', { ...good, hostInfo: 'linux' }, /hostInfo/],
    ['a goOS with spaces', { ...good, hostInfo: { goOS: 'linux box' } }, /hostInfo\.goOS/],
    ['a negative numCpu', { ...good, hostInfo: { numCpu: -2 } }, /hostInfo\.numCpu/],
  ];
  for (const [what, body, reason] of refused) {
    it(`refuses ${what}`, () => {
      const result = validateReport(body);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, reason);
    });
  }

  it('stores a well-formed name the catalogue does not know as unknown in its category', () => {
    const result = validateReport({
      ...good,
      components: [
        { type: 'input', name: 'acme_inhouse_queue' },
        { type: 'processor', name: 'mapping' },
        { type: 'output', name: 'my_secret_sink' },
        { type: 'output', name: 'unknown' },
      ],
    });
    assert.ok(result.ok);
    assert.deepEqual(result.report.components, [
      { type: 'input', name: 'unknown' },
      { type: 'processor', name: 'mapping' },
      { type: 'output', name: 'unknown' },
      { type: 'output', name: 'unknown' },
    ]);
  });

  it('keeps a name known only to an extra catalogue', () => {
    const known = { has: (type: string, name: string) => catalogue.has(type as 'input', name) || (type === 'input' && name === 'acme_queue') };
    const result = validateWith({ ...good, components: [{ type: 'input', name: 'acme_queue' }] }, known);
    assert.ok(result.ok);
    assert.deepEqual(result.report.components, [{ type: 'input', name: 'acme_queue' }]);
  });

  it('accepts 128 distinct components in a report and refuses 129, however they repeat', () => {
    const distinct = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'processor', name: `p${i}` }));
    assert.equal(MAX_DISTINCT_COMPONENTS, 128);
    const at = validateReport({ ...good, components: [...distinct(128), ...distinct(128)] });
    assert.ok(at.ok);
    assert.equal(at.report.components.length, 256);
    const over = validateReport({ ...good, components: distinct(129) });
    assert.equal(over.ok, false);
    assert.match(over.ok ? '' : over.reason, /more than 128 distinct components/);
  });

  it('takes numCpu and goMaxProcs up to 2^31 - 1, the narrowest column, and refuses 2^31', () => {
    const edge = validateReport({ ...good, hostInfo: { numCpu: 2 ** 31 - 1, goMaxProcs: 2 ** 31 - 1 } });
    assert.ok(edge.ok);
    assert.equal(edge.report.host.numCpu, 2147483647);
    for (const key of ['numCpu', 'goMaxProcs']) {
      const over = validateReport({ ...good, hostInfo: { [key]: 2 ** 31 } });
      assert.equal(over.ok, false);
      assert.match(over.ok ? '' : over.reason, new RegExp(`hostInfo\\.${key} must be an integer from 0 to 2147483647`));
    }
  });

  it('takes the largest safe integer as uptime (BIGINT in both stores) and refuses past it', () => {
    assert.ok(validateReport({ ...good, uptime: Number.MAX_SAFE_INTEGER }).ok);
    assert.equal(validateReport({ ...good, uptime: 2 ** 53 }).ok, false);
  });

  it(`refuses more than ${MAX_COMPONENTS} components and accepts exactly that many`, () => {
    const many = (n: number) => Array.from({ length: n }, () => ({ type: 'processor', name: 'mapping' }));
    assert.ok(validateReport({ ...good, components: many(MAX_COMPONENTS) }).ok);
    const result = validateReport({ ...good, components: many(MAX_COMPONENTS + 1) });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /at most 100000/);
  });
});
