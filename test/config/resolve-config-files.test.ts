import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigFiles } from '../../src/config/resolve-config-files.ts';
import { readConfigTexts } from '../../src/config/load-configs.ts';
import { defaultConfigCandidates, findDefaultConfig, withDefaultConfig } from '../../src/config/find-default-config.ts';
import { UserError } from '../../src/lib/errors.ts';

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

  it('gives clear errors for a missing file, an empty directory and a missing resource file', async () => {
    await assert.rejects(resolveConfigFiles({ configs: ['nope.yaml'], resources: [] }, dir), /no such config file: .*nope\.yaml/);
    await assert.rejects(resolveConfigFiles({ configs: ['empty'], resources: [] }, dir), /no stream configs \(\*\.yaml, \*\.yml\) in directory/);
    const resolved = await resolveConfigFiles({ configs: ['main.yaml'], resources: ['res/none.yaml'] }, dir);
    await assert.rejects(readConfigTexts(resolved), /no such config file: .*res\/none\.yaml/);
  });

  it('takes a glob that matches nothing as no files, as Connect does', async () => {
    const resolved = await resolveConfigFiles({ configs: ['main.yaml'], resources: ['res/*.json'], envFiles: ['*.env'] }, dir);
    assert.deepEqual(resolved.files.map((f) => f.role), ['main']);
    assert.deepEqual(resolved.envFiles, []);
  });

  it("skips Connect's unit-test files and files that do not end in .yaml or .yml, as Connect does", async () => {
    const tests = join(dir, 'with-tests');
    mkdirSync(join(tests, 'sub'), { recursive: true });
    for (const name of ['a.yaml', 'a_benthos_test.yaml', 'sub/benthos_test.yml', 'sub/b.yml', 'C.YAML']) writeFileSync(join(tests, name), '{}\n');
    const resolved = await resolveConfigFiles({ configs: ['with-tests'], resources: [] }, dir);
    // `sub/benthos_test.yml` has the stream ID `sub_benthos_test`, so Connect skips it too.
    assert.deepEqual(resolved.files.map((f) => f.path.slice(tests.length + 1)), ['a.yaml', 'sub/b.yml']);
  });

  it('expands env files in order, a glob sorted, each once', async () => {
    writeFileSync(join(dir, 'b.env'), 'B=1\n');
    writeFileSync(join(dir, 'a.env'), 'A=1\n');
    const resolved = await resolveConfigFiles({ configs: ['main.yaml'], resources: [], envFiles: ['b.env', '*.env', 'missing.env'] }, dir);
    assert.deepEqual(resolved.envFiles, [join(dir, 'b.env'), join(dir, 'a.env'), join(dir, 'missing.env')]);
  });
});

describe('resolveConfigFiles for the streams command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-streams-'));
  before(() => {
    mkdirSync(join(dir, 'streams/nested'), { recursive: true });
    writeFileSync(join(dir, 'streams/one.yaml'), '{}\n');
    writeFileSync(join(dir, 'streams/nested/two.yml'), '{}\n');
    writeFileSync(join(dir, 'single.yaml'), '{}\n');
    writeFileSync(join(dir, 'other.conf'), '{}\n');
    writeFileSync(join(dir, 'observability.yaml'), '{}\n');
    mkdirSync(join(dir, 'empty'));
  });

  it('takes one file as a stream, not as a main config', async () => {
    const resolved = await resolveConfigFiles({ configs: [], resources: [], streams: ['single.yaml'] }, dir);
    assert.equal(resolved.mode, 'streams');
    assert.deepEqual(resolved.files, [{ path: join(dir, 'single.yaml'), role: 'stream' }]);
  });

  it('reads the observability config first, then files, directories and globs in the order given', async () => {
    const resolved = await resolveConfigFiles(
      { configs: [], resources: [], streams: ['streams', 'single.yaml', '*.conf', 'empty'], observability: 'observability.yaml' },
      dir,
    );
    assert.deepEqual(resolved.files.map((f) => `${f.role}:${f.path.slice(dir.length + 1)}`), [
      'observability:observability.yaml',
      'stream:streams/nested/two.yml',
      'stream:streams/one.yaml',
      'stream:single.yaml',
      // A file named explicitly (here through a glob) is a stream whatever its name.
      'stream:other.conf',
    ]);
    // An empty directory is no error (streams may be added later), and it is watched.
    assert.deepEqual(resolved.directories, [join(dir, 'streams'), join(dir, 'empty')]);
  });

  it('reports a stream path that does not exist', async () => {
    await assert.rejects(resolveConfigFiles({ configs: [], resources: [], streams: ['nope'] }, dir), /no such config file: .*nope/);
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

describe('withDefaultConfig', () => {
  const withDefault = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-default-'));
    writeFileSync(join(dir, 'connect.yaml'), '{}\n');
    return dir;
  };
  const bare = () => mkdtempSync(join(tmpdir(), 'ct-no-default-'));

  it('run: fills in the default config when none is given, and says which', async () => {
    const dir = withDefault();
    assert.deepEqual(await withDefaultConfig({ configs: [], resources: ['r.yaml'] }, dir), {
      sources: { configs: [join(dir, 'connect.yaml')], resources: ['r.yaml'] },
      found: join(dir, 'connect.yaml'),
    });
  });

  it('run: leaves given configs alone', async () => {
    const sources = { configs: ['mine.yaml'], resources: [] };
    assert.deepEqual(await withDefaultConfig(sources, withDefault()), { sources });
  });

  it('run: with no config given and none in the default places, says where it looked', async () => {
    const dir = bare();
    await assert.rejects(withDefaultConfig({ configs: [], resources: [] }, dir), (error: unknown) =>
      error instanceof UserError && error.message.startsWith("no --config given and no config in Connect's default places (") && error.message.includes(join(dir, 'benthos.yaml')),
    );
  });

  it('streams: takes the default config as the observability config when there is one', async () => {
    const dir = withDefault();
    assert.deepEqual(await withDefaultConfig({ configs: [], resources: [], streams: ['s/'] }, dir), {
      sources: { configs: [], resources: [], streams: ['s/'], observability: join(dir, 'connect.yaml') },
      found: join(dir, 'connect.yaml'),
    });
  });

  it('streams: needs none, and keeps an observability config given with -o', async () => {
    assert.deepEqual(await withDefaultConfig({ configs: [], resources: [], streams: ['s/'] }, bare()), { sources: { configs: [], resources: [], streams: ['s/'] } });
    const given = { configs: [], resources: [], streams: ['s/'], observability: 'o.yaml' };
    assert.deepEqual(await withDefaultConfig(given, withDefault()), { sources: given });
  });
});
