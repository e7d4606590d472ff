/**
 * `demo` with the built binary: a collector and real sidecar daemons, then
 * the report over what the sidecars sent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { allComponents, summarise } from '../../src/config/summarise.ts';
import { readConfigFiles } from '../../src/simulator/fleet-configs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const demos = () => readdirSync(tmpdir()).filter((name) => name.startsWith('connect-telemetry-demo-'));

describe('connect-telemetry demo (built binary)', () => {
  it('reports what each demo config uses, from reports real sidecars sent, and cleans up', async () => {
    const before = new Set(demos());
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'connect-telemetry.js'), 'demo', '--format', 'json', '--timeout', '60s'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);

    // Expected from the configs themselves, walked as the sidecar walks them.
    const configs = await readConfigFiles([join(ROOT, 'examples', 'demo')]);
    const perConfig = configs.map((c) => allComponents(summarise([{ path: c.path, role: 'main', text: c.text }], bundledCatalogue(), {})));
    const expected = new Map<string, { instances: number; occurrences: number }>();
    for (const components of perConfig) {
      const seen = new Set<string>();
      for (const c of components) {
        const key = `${c.category}/${c.name}`;
        const entry = expected.get(key) ?? { instances: 0, occurrences: 0 };
        entry.occurrences++;
        if (!seen.has(key)) entry.instances++;
        seen.add(key);
        expected.set(key, entry);
      }
    }
    const report = JSON.parse(stdout);
    assert.equal(report.instances, configs.length);
    const got = new Map<string, { instances: number; occurrences: number }>(
      report.plugins.map((p: { type: string; name: string; instances: number; occurrences: number }) => [`${p.type}/${p.name}`, { instances: p.instances, occurrences: p.occurrences }]),
    );
    assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()));
    assert.deepEqual(demos().filter((d) => !before.has(d)), [], 'the temporary directory is removed');
  });
});
