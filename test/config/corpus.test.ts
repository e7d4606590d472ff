/**
 * The real-config corpus in ../shared/corpus: for each config, the walker must
 * find exactly the components Connect's own walker finds (same paths, same
 * order, unknown names reported as `unknown`). Skips when ../shared is absent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { summariseText } from '../../src/config/summarise.ts';
import { buildPayload } from '../../src/sidecar/send/payload.ts';
import { SHARED_DIR, sharedAvailable, SKIP_NO_SHARED } from '../helpers/shared.ts';

interface Expected {
  path: string;
  type: string;
  name: string;
  known?: boolean;
  defaulted?: boolean;
}

const corpusDir = `${SHARED_DIR}corpus/`;
const configs = sharedAvailable() && existsSync(corpusDir)
  ? ['connect', 'benthos'].flatMap((repo) =>
      readdirSync(`${corpusDir}${repo}`)
        .filter((name) => !name.endsWith('.expected.json'))
        .map((name) => `${repo}/${name}`),
    )
  : [];

describe('corpus of real Connect and Benthos configs', { skip: configs.length === 0 && SKIP_NO_SHARED }, () => {
  const catalogue = bundledCatalogue();

  it('holds the 100 configs it describes', () => assert.equal(configs.length, 100));

  for (const config of configs) {
    it(config, () => {
      const expected = JSON.parse(readFileSync(`${corpusDir}${config}.expected.json`, 'utf8')) as Expected[];
      const text = readFileSync(`${corpusDir}${config}`, 'utf8');
      const { components } = summariseText({ path: config, role: 'main', text }, catalogue, {});
      // Same components at the same paths, in the same order.
      assert.deepEqual(
        components.map((c) => ({ path: c.path, type: c.category, name: c.known ? c.name : c.written?.join(","), known: c.known, defaulted: c.defaulted === true })),
        expected.map((e) => ({ path: e.path, type: e.type, name: e.name, known: e.known !== false, defaulted: e.defaulted === true })),
      );
      // And the payload carries the expected multiset, unknown names hidden.
      const sent = buildPayload(components, { instanceId: '00000000-0000-4000-8000-000000000000', firstStartedAt: 0 }, 0, { numCpu: 1, goMaxProcs: 1, goArch: 'amd64', goOS: 'linux' }).components;
      const key = (c: { type: string; name: string }) => `${c.type}/${c.name}`;
      assert.deepEqual(sent.map(key).sort(), expected.map((e) => key({ type: e.type, name: e.known === false ? 'unknown' : e.name })).sort());
    });
  }
});
