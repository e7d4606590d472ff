import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigTexts } from '../../src/config/load-configs.ts';
import type { ResolvedConfigs } from '../../src/config/resolve-config-files.ts';

const asStreams = (paths: string[]): ResolvedConfigs => ({ mode: 'streams', files: paths.map((path) => ({ path, role: 'stream' as const })), directories: [], envFiles: [] });

describe('readConfigTexts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-load-'));

  it('returns every file in the order given, though it reads several at once', async () => {
    // Sizes vary so that reads finish out of order.
    const paths = Array.from({ length: 40 }, (_, i) => {
      const path = join(dir, `stream-${i}.yaml`);
      writeFileSync(path, `# file ${i}\n${'x: y\n'.repeat(((i * 7919) % 40) * 500)}`);
      return path;
    });
    const texts = await readConfigTexts(asStreams(paths));
    assert.deepEqual(texts.map((text) => text.path), paths);
    texts.forEach((text, i) => assert.ok(text.text.startsWith(`# file ${i}\n`), `file ${i} holds its own text`));
  });

  it("throws the first failing file's error, whichever read failed first", async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'input: {}\n');
    const unreadable = join(dir, 'unreadable.yaml');
    writeFileSync(unreadable, 'input: {}\n');
    chmodSync(unreadable, 0o000);
    const missing = join(dir, 'missing.yaml');
    const isRoot = process.getuid?.() === 0;
    // Root reads a 0000 file, so only the missing file can fail there.
    const expected = isRoot ? /no such config file: .*missing\.yaml/ : /unreadable\.yaml: permission denied/;
    for (let round = 0; round < 5; round++) {
      await assert.rejects(readConfigTexts(asStreams([good, good, unreadable, good, missing, good])), expected);
    }
    await assert.rejects(readConfigTexts(asStreams([good, missing, good])), /no such config file: .*missing\.yaml/);
  });

  it('reads nothing for no files', async () => {
    assert.deepEqual(await readConfigTexts(asStreams([])), []);
  });
});
