import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigFiles } from '../../src/config/resolve-config-files.ts';
import { defaultConfigCandidates, findDefaultConfig } from '../../src/config/find-default-config.ts';

describe('resolveConfigFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-resolve-'));
  before(() => {
    writeFileSync(join(dir, 'main.yaml'), 'input: {generate: {}}\n');
    mkdirSync(join(dir, 'streams/nested'), { recursive: true });
    writeFileSync(join(dir, 'streams/b.yaml'), '{}\n');
    writeFileSync(join(dir, 'streams/a.yml'), '{}\n');
    writeFileSync(join(dir, 'streams/nested/c.yaml'), '{}\n');
    writeFileSync(join(dir, 'streams/README.md'), 'not a config\n');
    mkdirSync(join(dir, 'streams/..2026_01_01'));
    writeFileSync(join(dir, 'streams/..2026_01_01/hidden.yaml'), '{}\n');
    mkdirSync(join(dir, 'res'));
    writeFileSync(join(dir, 'res/one.yaml'), '{}\n');
    writeFileSync(join(dir, 'res/two.yaml'), '{}\n');
    mkdirSync(join(dir, 'empty'));
    symlinkSync(join(dir, 'streams'), join(dir, 'streams/nested/loop'));
  });

  it('treats one file as a main config', async () => {
    const resolved = await resolveConfigFiles({ configs: ['main.yaml'], resources: [] }, dir);
    assert.equal(resolved.mode, 'single');
    assert.deepEqual(resolved.files, [{ path: join(dir, 'main.yaml'), role: 'main' }]);
  });

  it('treats a directory as streams mode: every YAML file in it, sorted, hidden entries and symlinked directories skipped', async () => {
    const resolved = await resolveConfigFiles({ configs: ['streams'], resources: [] }, dir);
    assert.equal(resolved.mode, 'streams');
    assert.deepEqual(resolved.files.map((f) => f.path.slice(dir.length + 1)), ['streams/a.yml', 'streams/b.yaml', 'streams/nested/c.yaml']);
    assert.ok(resolved.files.every((f) => f.role === 'stream'));
    assert.deepEqual(resolved.directories, [join(dir, 'streams')]);
  });

  it('adds resource files, expanding globs', async () => {
    const resolved = await resolveConfigFiles({ configs: ['main.yaml'], resources: ['res/*.yaml'] }, dir);
    assert.deepEqual(resolved.files.map((f) => `${f.role}:${f.path.slice(dir.length + 1)}`), ['main:main.yaml', 'resource:res/one.yaml', 'resource:res/two.yaml']);
  });

  it('gives clear errors for a missing file, an empty directory and a glob that matches nothing', async () => {
    await assert.rejects(resolveConfigFiles({ configs: ['nope.yaml'], resources: [] }, dir), /no such config file: .*nope\.yaml/);
    await assert.rejects(resolveConfigFiles({ configs: ['empty'], resources: [] }, dir), /no stream configs \(\*\.yaml, \*\.yml\) in directory/);
    await assert.rejects(resolveConfigFiles({ configs: ['main.yaml'], resources: ['res/*.json'] }, dir), /no resource files match res\/\*\.json/);
  });
});

describe('findDefaultConfig', () => {
  it("looks where Connect looks, in Connect's order", () => {
    const candidates = defaultConfigCandidates('/work');
    assert.deepEqual(candidates.slice(0, 4), ['/work/redpanda-connect.yaml', '/redpanda-connect.yaml', '/etc/redpanda-connect/config.yaml', '/etc/redpanda-connect.yaml']);
    assert.equal(candidates[4], '/work/connect.yaml');
    assert.equal(candidates[8], '/work/benthos.yaml');
    assert.equal(candidates.length, 12);
  });

  it('finds the first that exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-default-'));
    writeFileSync(join(dir, 'benthos.yaml'), '{}\n');
    assert.equal(await findDefaultConfig(dir), join(dir, 'benthos.yaml'));
    writeFileSync(join(dir, 'connect.yaml'), '{}\n');
    assert.equal(await findDefaultConfig(dir), join(dir, 'connect.yaml'));
  });
});
