/**
 * Privacy as a property: random Connect-like configs with canary strings in
 * every value, label, key, interpolation, environment value, comment, file
 * name and unknown component name; no canary may reach the payload, and every
 * string in a payload must be the instance ID, a category, a catalogue name,
 * `unknown` or a host fact.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { run } from '../../src/cli/program.ts';
import { allComponents, summarise } from '../../src/config/summarise.ts';
import { readHostInfo } from '../../src/sidecar/send/host-info.ts';
import { buildPayload, type Payload } from '../../src/sidecar/send/payload.ts';
import { assertClean, generate, MARK } from './canary-config.ts';
import { captureIo, tempDir } from './helpers.ts';

const catalogue = bundledCatalogue();
const host = readHostInfo();

describe('privacy', () => {
  it('no canary reaches the payload built by the library', () => {
    let components = 0;
    let configs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const generated = generate(seed);
        const summary = summarise([{ path: `/etc/${MARK}secret/config.yaml`, role: 'main', text: generated.text }], catalogue, generated.env);
        const id = randomUUID();
        const payload = buildPayload(allComponents(summary), { instanceId: id, firstStartedAt: 0 }, 1_000, host);
        // Exactly what the generator placed, plus the root defaults, in order.
        assert.deepEqual(payload.components, generated.components);
        assertClean(payload, generated, id);
        components += payload.components.length;
        configs++;
      }),
      { numRuns: 300 },
    );
    assert.equal(configs, 300);
    assert.ok(components > configs * 5, `the configs held components (${components})`);
  });

  it('no canary reaches the --dry-run output', async (t) => {
    const dir = tempDir(t);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const generated = generate(seed);
        const path = join(dir, `${MARK}${seed}.yaml`);
        writeFileSync(path, generated.text);
        const io = captureIo();
        const code = await run(['--dry-run', '-c', path, '--state-dir', join(dir, `${MARK}state`)], {
          env: generated.env,
          cwd: dir,
          stdout: io.stdout,
          stderr: io.stderr,
          shutdown: new AbortController().signal,
        });
        assert.equal(code, 0, io.err);
        const payload = JSON.parse(io.out) as Payload;
        assertClean(payload, generated, payload.id);
        assert.match(payload.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.deepEqual(payload.components, generated.components);
        runs++;
      }),
      { numRuns: 100 },
    );
    assert.equal(runs, 100);
  });
});
