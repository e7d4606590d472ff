/**
 * Hostile configs through the built CLI (`--dry-run` and `inspect --json`):
 * each has one stated outcome, either one clear error (exit 2, one line on
 * stderr naming the file and the problem, no stack trace) or a summary with
 * the components written out below by hand, reached within a time limit and
 * with bounded memory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CONFIG_BYTES } from '../../src/config/read-config-file.ts';
import { garbage, isRoot, NOBODY, runBin, type ChildResult } from './helpers.ts';

const CLEAN = 'input:\n  stdin: {}\noutput:\n  drop: {}\n';
/** Generous: the CLI alone takes about 70 MB; the largest config accepted about 200 MB. */
const RSS_BOUND_KB = 1_500_000;

/**
 * The components Connect counts for a config with no components of its own:
 * the defaults a main config gets (in streams mode each stream file gets the
 * input, buffer and output, the instance the metrics and tracer), as
 * `category/name`, sorted.
 */
const DEFAULTS_ONLY = ['buffer/none', 'input/stdin', 'metrics/prometheus', 'output/stdout', 'tracer/none'];
/** What CLEAN (a stdin input, a drop output) summarises to, sorted. */
const CLEAN_KEYS = ['buffer/none', 'input/stdin', 'metrics/prometheus', 'output/drop', 'tracer/none'];
/** A stdin input and `processors` in the pipeline, the rest defaults: add the processors, then sort. */
const withProcessors = (processors: string[]) => ['input/stdin', 'buffer/none', 'output/stdout', 'metrics/prometheus', 'tracer/none', ...processors].sort();

type Expectation =
  | { kind: 'error'; problem: RegExp }
  | { kind: 'summary'; keys: string[]; ignoredDocuments?: number };

interface Scenario {
  name: string;
  /** Writes the files; returns the CLI arguments that choose them. */
  setup: (dir: string) => { args: string[]; named: string };
  expect: Expectation;
  uid?: number;
}

export interface Figure {
  group: string;
  scenario: string;
  command: string;
  outcome: string;
  maxRssKb: number | undefined;
}
const figures: Figure[] = [];

function nestedComponents(levels: number, flow: boolean): string {
  if (flow) {
    let inner = 'noop: {}';
    for (let i = 0; i < levels; i++) inner = `try: [ { ${inner} } ]`;
    return `input:\n  stdin: {}\npipeline:\n  processors:\n    - { ${inner} }\n`;
  }
  let text = 'input:\n  stdin: {}\npipeline:\n  processors:\n';
  let indent = '    ';
  for (let i = 0; i < levels; i++) {
    text += `${indent}- try:\n`;
    indent += '    ';
  }
  return `${text}${indent}- noop: {}\n`;
}

function aliasBomb(): string {
  const letters = 'abcdefghij';
  let text = `${CLEAN}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < letters.length; i++) {
    text += `${letters[i]}: &${letters[i]} [${Array(10).fill(`*${letters[i - 1]}`).join(',')}]\n`;
  }
  return text;
}

const file = (dir: string, name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return { args: ['-c', path], named: path };
};

const scenarios: Scenario[] = [
  { name: 'empty file', setup: (d) => file(d, 'empty.yaml', ''), expect: { kind: 'summary', keys: DEFAULTS_ONLY } },
  { name: 'only comments', setup: (d) => file(d, 'comments.yaml', '# one\n   # two\n#\n'), expect: { kind: 'summary', keys: DEFAULTS_ONLY } },
  { name: 'binary garbage', setup: (d) => file(d, 'garbage.yaml', garbage(64 * 1024, 7)), expect: { kind: 'error', problem: /UTF-8/ } },
  {
    name: 'control characters (valid UTF-8)',
    setup: (d) => file(d, 'controls.yaml', Buffer.from(Array.from(garbage(4096, 3), (b) => b & 0x1f))),
    expect: { kind: 'error', problem: /invalid YAML|must be a YAML mapping/ },
  },
  {
    name: 'invalid UTF-8 in a value',
    setup: (d) => file(d, 'latin1.yaml', Buffer.concat([Buffer.from(`${CLEAN}x: "`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"\n')])),
    expect: { kind: 'error', problem: /not valid UTF-8/ },
  },
  { name: 'UTF-8 BOM', setup: (d) => file(d, 'bom.yaml', `\ufeff${CLEAN}`), expect: { kind: 'summary', keys: CLEAN_KEYS } },
  { name: 'CRLF line ends', setup: (d) => file(d, 'crlf.yaml', CLEAN.replaceAll('\n', '\r\n')), expect: { kind: 'summary', keys: CLEAN_KEYS } },
  { name: 'tabs as indentation', setup: (d) => file(d, 'tabs.yaml', 'input:\n\tstdin: {}\n'), expect: { kind: 'error', problem: /[Tt]ab/ } },
  {
    name: 'tabs between tokens',
    setup: (d) => file(d, 'tabs2.yaml', 'input:\t\n  stdin:\t{}\t# note\noutput:\t{\tdrop: {} }\n'),
    expect: { kind: 'summary', keys: CLEAN_KEYS },
  },
  { name: 'duplicate keys', setup: (d) => file(d, 'dup.yaml', `${CLEAN}input:\n  generate: {}\n`), expect: { kind: 'error', problem: /unique/ } },
  {
    name: 'several YAML documents',
    setup: (d) => file(d, 'multi.yaml', `${CLEAN}---\ninput:\n  generate: {}\n---\n- x\n`),
    expect: { kind: 'summary', keys: CLEAN_KEYS, ignoredDocuments: 2 },
  },
  {
    name: 'JSON instead of YAML',
    setup: (d) => file(d, 'json.yaml', JSON.stringify({ input: { stdin: {} }, output: { drop: {} } }, null, 2)),
    expect: { kind: 'summary', keys: CLEAN_KEYS },
  },
  { name: 'scalar at the root', setup: (d) => file(d, 'scalar.yaml', 'just text\n'), expect: { kind: 'error', problem: /must be a YAML mapping/ } },
  { name: 'list at the root', setup: (d) => file(d, 'list.yaml', '- input: {stdin: {}}\n'), expect: { kind: 'error', problem: /must be a YAML mapping.*list/ } },
  { name: 'null at the root', setup: (d) => file(d, 'null.yaml', '~\n'), expect: { kind: 'summary', keys: DEFAULTS_ONLY } },
  {
    name: '10,000 levels of flow mappings',
    setup: (d) => file(d, 'deep-map.yaml', `${CLEAN}x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`),
    expect: { kind: 'error', problem: /invalid YAML at line \d+, column \d+: the YAML is nested too deeply to parse/ },
  },
  {
    name: '10,000 levels of flow lists',
    setup: (d) => file(d, 'deep-list.yaml', `${CLEAN}x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`),
    expect: { kind: 'error', problem: /invalid YAML at line \d+, column \d+: the YAML is nested too deeply to parse/ },
  },
  {
    name: '10,000 levels of block lists',
    setup: (d) => file(d, 'deep-block.yaml', `${CLEAN}x:\n  ${'- '.repeat(10_000)}v\n`),
    expect: { kind: 'error', problem: /invalid YAML at line \d+, column \d+: the YAML is nested too deeply to parse/ },
  },
  {
    name: '1,000 levels of block mappings',
    setup: (d) => file(d, 'deep-keys.yaml', `${CLEAN}x:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}k:\n`).join('')}${' '.repeat(1001)}v\n`),
    expect: { kind: 'error', problem: /invalid YAML at line \d+, column \d+: the YAML is nested too deeply to parse/ },
  },
  {
    name: '10,000 nested components (processors→try→…)',
    setup: (d) => file(d, 'deep-try.yaml', nestedComponents(10_000, true)),
    expect: { kind: 'error', problem: /nested too deeply|nested more than/ },
  },
  {
    name: '300 nested components, block style (past the walker limit)',
    setup: (d) => file(d, 'deep-try-block.yaml', nestedComponents(300, false)),
    expect: { kind: 'error', problem: /nested more than \d+ levels/ },
  },
  {
    name: '200 nested components (within the limit)',
    setup: (d) => file(d, 'try-200.yaml', nestedComponents(200, false)),
    expect: {
      kind: 'summary',
      keys: withProcessors([...Array(200).fill('processor/try'), 'processor/noop']),
    },
  },
  { name: 'billion laughs alias bomb', setup: (d) => file(d, 'bomb.yaml', aliasBomb()), expect: { kind: 'error', problem: /alias/i } },
  {
    name: 'alias cycle in a component slot',
    setup: (d) => file(d, 'cycle.yaml', 'input:\n  stdin: {}\npipeline:\n  processors: &p\n    - try: *p\n'),
    expect: { kind: 'error', problem: /refers to itself/ },
  },
  {
    name: '50 MB file',
    setup: (d) => file(d, 'big.yaml', Buffer.alloc(50 * 1024 * 1024, '# padding padding padding\n')),
    expect: { kind: 'error', problem: /bytes, more than the \d+-byte limit/ },
  },
  {
    name: 'file just under the size limit, one huge scalar',
    setup: (d) => file(d, 'scalar-big.yaml', `${CLEAN}x: "${'a'.repeat(MAX_CONFIG_BYTES - CLEAN.length - 10)}"\n`),
    expect: { kind: 'summary', keys: CLEAN_KEYS },
  },
  {
    name: '20,000 components (within the token bound)',
    setup: (d) => file(d, 'many.yaml', `input:\n  stdin: {}\npipeline:\n  processors:\n${'    - noop: {}\n'.repeat(20_000)}`),
    expect: { kind: 'summary', keys: withProcessors(Array(20_000).fill('processor/noop')) },
  },
  {
    name: '300,000 tokens in 600 KB',
    setup: (d) => file(d, 'tokens.yaml', `${CLEAN}x: [${'1,'.repeat(300_000)}1]\n`),
    expect: { kind: 'error', problem: /tokens/ },
  },
  {
    name: 'unterminated ${…:${${… interpolation, 1 MB',
    setup: (d) => file(d, 'interp.yaml', `${CLEAN}x: \${A:${'${'.repeat(500_000)}\n`),
    // Connect leaves an unterminated reference as it is written: `x` is a plain string.
    expect: { kind: 'summary', keys: CLEAN_KEYS },
  },
  {
    name: 'a FIFO where a file was expected',
    setup: (d) => {
      execFileSync('mkfifo', [join(d, 'fifo.yaml')]);
      return { args: ['-c', join(d, 'fifo.yaml')], named: join(d, 'fifo.yaml') };
    },
    expect: { kind: 'error', problem: /not a regular file/ },
  },
  {
    name: 'a FIFO as a resource file',
    setup: (d) => {
      execFileSync('mkfifo', [join(d, 'fifo.yaml')]);
      writeFileSync(join(d, 'main.yaml'), CLEAN);
      return { args: ['-c', join(d, 'main.yaml'), '-r', join(d, 'fifo.yaml')], named: join(d, 'fifo.yaml') };
    },
    expect: { kind: 'error', problem: /not a regular file/ },
  },
  {
    name: 'a directory as a resource file',
    setup: (d) => {
      mkdirSync(join(d, 'res.yaml'));
      writeFileSync(join(d, 'main.yaml'), CLEAN);
      return { args: ['-c', join(d, 'main.yaml'), '-r', join(d, 'res.yaml')], named: join(d, 'res.yaml') };
    },
    expect: { kind: 'error', problem: /is a directory/ },
  },
  { name: '/dev/zero as the config', setup: () => ({ args: ['-c', '/dev/zero'], named: '/dev/zero' }), expect: { kind: 'error', problem: /not a regular file/ } },
  {
    name: 'a streams-directory entry linked to /dev/zero',
    setup: (d) => {
      mkdirSync(join(d, 'streams'));
      writeFileSync(join(d, 'streams', 'a.yaml'), CLEAN);
      symlinkSync('/dev/zero', join(d, 'streams', 'z.yaml'));
      return { args: ['-c', join(d, 'streams')], named: join(d, 'streams', 'z.yaml') };
    },
    expect: { kind: 'error', problem: /not a regular file/ },
  },
  {
    name: 'a FIFO inside a streams directory',
    setup: (d) => {
      mkdirSync(join(d, 'streams'));
      writeFileSync(join(d, 'streams', 'a.yaml'), CLEAN);
      execFileSync('mkfifo', [join(d, 'streams', 'f.yaml')]);
      return { args: ['-c', join(d, 'streams')], named: join(d, 'streams') };
    },
    // A FIFO is not a file, nor a link to one: the directory listing passes over it, as over a socket.
    expect: { kind: 'summary', keys: CLEAN_KEYS },
  },
  {
    name: 'a symlink loop between two stream files',
    setup: (d) => {
      mkdirSync(join(d, 'streams'));
      writeFileSync(join(d, 'streams', 'a.yaml'), CLEAN);
      symlinkSync('c.yaml', join(d, 'streams', 'b.yaml'));
      symlinkSync('b.yaml', join(d, 'streams', 'c.yaml'));
      return { args: ['-c', join(d, 'streams')], named: join(d, 'streams', 'b.yaml') };
    },
    expect: { kind: 'error', problem: /symbolic links/ },
  },
  {
    name: 'a streams directory that links to itself',
    setup: (d) => {
      mkdirSync(join(d, 'streams', 'sub'), { recursive: true });
      writeFileSync(join(d, 'streams', 'a.yaml'), CLEAN);
      symlinkSync('..', join(d, 'streams', 'sub', 'up'));
      symlinkSync('.', join(d, 'streams', 'self.yaml'));
      // `sub/up` is not a YAML name and is passed over; `self.yaml` is read, and is a directory.
      return { args: ['-c', join(d, 'streams')], named: join(d, 'streams', 'self.yaml') };
    },
    expect: { kind: 'error', problem: /self\.yaml is a directory, expected a config file/ },
  },
  {
    name: 'a file the user may not read',
    setup: (d) => {
      const path = join(d, 'secret.yaml');
      writeFileSync(path, CLEAN);
      chmodSync(path, 0o000);
      chmodSync(d, 0o755);
      return { args: ['-c', path], named: path };
    },
    uid: isRoot() ? NOBODY : undefined,
    expect: { kind: 'error', problem: /permission denied/ },
  },
];

function checkError(result: ChildResult, named: string, problem: RegExp, label: string) {
  assert.equal(result.code, 2, `${label}: exit code (stderr: ${result.stderr.slice(0, 300)})`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${label}: one line on stderr, got ${JSON.stringify(result.stderr.slice(0, 500))}`);
  const line = lines[0] ?? '';
  assert.match(line, /^connect-telemetry: /, label);
  assert.ok(line.includes(named), `${label}: the message names ${named}: ${line}`);
  assert.match(line, problem, `${label}: ${line}`);
  assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error/, `${label}: no stack trace`);
  assert.ok(line.length < 400, `${label}: a readable line (${line.length} characters)`);
  assert.equal(result.stdout, '', `${label}: nothing on stdout`);
}

function keysOf(command: string, stdout: string): string[] {
  const json = JSON.parse(stdout);
  if (command === 'dry-run') return json.components.map((c: { type: string; name: string }) => `${c.type}/${c.name}`).sort();
  const all = [...json.files.flatMap((f: { components: unknown[] }) => f.components), ...json.instanceDefaults];
  return all.map((c: { category: string; name: string; known: boolean }) => `${c.category}/${c.known ? c.name : 'unknown'}`).sort();
}

describe('hostile configs', { concurrency: 2 }, () => {
  const base = mkdtempSync(join(tmpdir(), 'ct-hostile-'));
  chmodSync(base, 0o755);
  after(() => {
    rmSync(base, { recursive: true, force: true });
    const lines = figures
      .sort((a, b) => a.scenario.localeCompare(b.scenario) || a.command.localeCompare(b.command))
      .map((f) => `${f.scenario} | ${f.command} | ${f.outcome} | ${f.maxRssKb === undefined ? '?' : Math.round(f.maxRssKb / 1024)} MB`);
    process.stdout.write(`# hostile-config figures (scenario | command | outcome | peak RSS)\n${lines.map((l) => `#   ${l}`).join('\n')}\n`);
  });

  for (const [index, scenario] of scenarios.entries()) {
    for (const command of ['dry-run', 'inspect'] as const) {
      it(`${scenario.name} (${command})`, async () => {
        const dir = join(base, `${index}-${command}`);
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        chmodSync(dir, 0o755);
        const chosen = scenario.setup(dir);
        const args =
          command === 'dry-run' ? ['--dry-run', ...chosen.args, '--state-dir', join(dir, 'state')] : ['inspect', '--json', ...chosen.args];
        const result = await runBin(args, scenario.uid === undefined ? {} : { uid: scenario.uid });
        const label = `${scenario.name} (${command})`;
        assert.equal(result.timedOut, false, `${label}: the child outlived its time limit`);
        assert.notEqual(result.maxRssKb, undefined, `${label}: the child reported its peak memory`);
        assert.ok((result.maxRssKb ?? 0) < RSS_BOUND_KB, `${label}: peak RSS ${result.maxRssKb} kB`);
        const expectation = scenario.expect;
        let outcome: string;
        if (expectation.kind === 'error') {
          checkError(result, chosen.named, expectation.problem, label);
          outcome = `error: ${result.stderr.trim().replace(/^connect-telemetry: /, '').replace(dir, '…')}`;
        } else {
          assert.equal(result.code, 0, `${label}: exit code (stderr: ${result.stderr.slice(0, 300)})`);
          assert.deepEqual(keysOf(command, result.stdout), expectation.keys, `${label}: components`);
          if (expectation.ignoredDocuments !== undefined) {
            // dry-run warns on stderr; inspect --json carries the count.
            if (command === 'dry-run') assert.match(result.stderr, new RegExp(`${expectation.ignoredDocuments + 1} YAML documents`));
            else assert.equal(JSON.parse(result.stdout).files[0].ignoredDocuments, expectation.ignoredDocuments);
          }
          outcome = `summary (${expectation.keys.length} components)`;
        }
        figures.push({ group: 'hostile configs', scenario: scenario.name, command, outcome, maxRssKb: result.maxRssKb });
      });
    }
  }
});
