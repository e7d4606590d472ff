/** A config that changes while it is read: every read ends in a clean error or a well-formed summary. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { allComponents, summarise } from '../../src/config/summarise.ts';
import { UserError } from '../../src/lib/errors.ts';
import { tempDir } from './helpers.ts';

const READS = 300;

it('a config rewritten in place while it is read', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, '{}\n');
  const churner = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'config-churner.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const closed = once(churner, 'close');
  // Stopped before the temporary directory is removed: a churner still
  // writing would make that removal fail, and would keep the runner open.
  const stop = async () => {
    if (churner.exitCode === null && churner.signalCode === null) churner.kill('SIGKILL');
    await closed;
  };
  t.after(stop);
  await once(churner.stdout, 'data');
  const catalogue = bundledCatalogue();
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  for (let i = 0; i < READS; i++) {
    await new Promise((resolve) => setTimeout(resolve, i % 3));
    // A small limit, so some reads see the file grow past it.
    const limit = 8 * 1024;
    try {
      const text = await readConfigFile(path, limit);
      assert.ok(Buffer.byteLength(text) <= limit, 'never more than the limit is returned');
      const summary = summarise([{ path, role: 'main', text }], catalogue, {});
      for (const component of allComponents(summary)) {
        assert.ok((CATEGORIES as readonly string[]).includes(component.category));
        assert.ok(component.known ? catalogue.has(component.category, component.name) : component.name === 'unknown');
      }
      count('summary');
    } catch (error) {
      assert.ok(error instanceof UserError, `a UserError, got ${error instanceof Error ? error.stack : String(error)}`);
      assert.ok(error.message.includes(path), error.message);
      assert.doesNotMatch(error.message, /\n/);
      count(/limit/.test(error.message) ? 'error: over the limit' : 'error: other');
    }
  }
  await stop();
  t.diagnostic(`outcomes of ${READS} reads: ${JSON.stringify(Object.fromEntries(outcomes))}`);
  assert.equal([...outcomes.values()].reduce((a, b) => a + b, 0), READS);
  assert.ok((outcomes.get('summary') ?? 0) > 0, 'some reads saw a whole config');
});
