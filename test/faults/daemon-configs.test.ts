/**
 * Hostile configs against the running daemon: each is written over a good
 * config while `run` reports to a real HTTP server on 127.0.0.1. The daemon
 * must log one clear error naming the file, keep its last good summary (the
 * next report still carries the old components), stay up, and keep its memory
 * bounded (VmRSS from /proc before and after).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { killAllBinaries, startBinary, type Running } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { alive, byMsg, componentNames, countLogs, GOOD_A, GOOD_A_COMPONENTS, GOOD_B, GOOD_B_COMPONENTS, mb, memoryOf, runArgs, sleep, UPDATED, waitUntil } from './daemon-helpers.ts';
import { garbage, tempDir } from './helpers.ts';

const catalogue = bundledCatalogue();
/** Generous: the daemon idles at about 70 MB; a refused config must not leave it much bigger. */
const RSS_GROWTH_BOUND_KB = 200 * 1024;

function aliasBomb(): string {
  const letters = 'abcdefghij';
  let text = `${GOOD_A}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < letters.length; i++) text += `${letters[i]}: &${letters[i]} [${Array(10).fill(`*${letters[i - 1]}`).join(',')}]\n`;
  return text;
}

/** Replaces `path` in one step, as an editor or a ConfigMap update does. */
function atomicWrite(path: string, content: string | Buffer): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

interface Scenario {
  name: string;
  /** Puts the hostile thing in place; `target` is the config file (single mode) or the streams directory. */
  apply: (target: string) => void;
  /** The file the error must name (defaults to the target). */
  named?: (target: string) => string;
  problem: RegExp;
  /** Removes what `apply` added before the good config is written back. */
  cleanup?: (target: string) => void;
}

const singleFile: Scenario[] = [
  { name: 'bad YAML', apply: (p) => atomicWrite(p, 'input:\n  generate: {\n  oops\n'), problem: /invalid YAML/ },
  { name: 'binary garbage', apply: (p) => atomicWrite(p, garbage(64 * 1024, 7)), problem: /not valid UTF-8/ },
  {
    name: 'invalid UTF-8 in a value',
    apply: (p) => atomicWrite(p, Buffer.concat([Buffer.from(`${GOOD_A}x: "`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"\n')])),
    problem: /not valid UTF-8/,
  },
  { name: '10,000 levels of flow mappings', apply: (p) => atomicWrite(p, `${GOOD_A}x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`), problem: /nested too deeply/ },
  {
    name: '10,000 nested components',
    apply: (p) => {
      let inner = 'noop: {}';
      for (let i = 0; i < 10_000; i++) inner = `try: [ { ${inner} } ]`;
      atomicWrite(p, `input:\n  stdin: {}\npipeline:\n  processors:\n    - { ${inner} }\n`);
    },
    problem: /nested too deeply|nested more than/,
  },
  { name: 'billion laughs alias bomb', apply: (p) => atomicWrite(p, aliasBomb()), problem: /alias/i },
  { name: '50 MB file', apply: (p) => atomicWrite(p, Buffer.alloc(50 * 1024 * 1024, '# padding padding padding\n')), problem: /more than the \d+-byte limit/ },
  {
    name: 'a FIFO in place of the file',
    apply: (p) => {
      execFileSync('mkfifo', [`${p}.fifo`]);
      renameSync(`${p}.fifo`, p);
    },
    problem: /not a regular file/,
  },
  {
    name: '/dev/zero through a symlink',
    apply: (p) => {
      symlinkSync('/dev/zero', `${p}.link`);
      renameSync(`${p}.link`, p);
    },
    problem: /not a regular file/,
  },
  {
    name: 'a directory where the file was',
    apply: (p) => {
      rmSync(p);
      mkdirSync(p);
    },
    // A directory given as -c is a streams directory to Connect; this one holds no stream configs.
    problem: /is a directory|no stream configs .* in directory/,
  },
];

const streamsDir: Scenario[] = [
  {
    name: 'a symlink loop in the streams directory',
    apply: (d) => {
      symlinkSync('c.yaml', join(d, 'b.yaml'));
      symlinkSync('b.yaml', join(d, 'c.yaml'));
    },
    named: (d) => join(d, 'b.yaml'),
    problem: /symbolic links/,
    cleanup: (d) => {
      rmSync(join(d, 'b.yaml'));
      rmSync(join(d, 'c.yaml'));
    },
  },
  {
    name: 'a stream entry linked to /dev/zero',
    apply: (d) => symlinkSync('/dev/zero', join(d, 'z.yaml')),
    named: (d) => join(d, 'z.yaml'),
    problem: /not a regular file/,
    cleanup: (d) => rmSync(join(d, 'z.yaml')),
  },
];

interface Figure {
  scenario: string;
  outcome: string;
  rssBeforeKb: number;
  rssAfterKb: number;
  hwmKb: number;
}
const figures: Figure[] = [];

const stubs: Stub[] = [];
after(async () => {
  killAllBinaries();
  await Promise.all(stubs.map((s) => s.close()));
  process.stdout.write(
    `# daemon hostile-config figures (scenario | outcome | VmRSS before → after | peak VmHWM)\n${figures
      .map((f) => `#   ${f.scenario} | ${f.outcome} | ${mb(f.rssBeforeKb)} → ${mb(f.rssAfterKb)} MB | ${mb(f.hwmKb)} MB`)
      .join('\n')}\n`,
  );
});

const errorsOf = (daemon: Running) => daemon.logs.filter((l) => Number(l['level']) >= 50);

/** Waits for `n` more reports than the server has now; returns the last one's component names. */
async function nextReports(stub: Stub, n: number): Promise<string[]> {
  const count = stub.received.length;
  const got = await stub.waitFor(count + n, 20_000);
  return componentNames(got.at(-1)!.body);
}

/** Writes a good config (alternating, so each is a change) and waits until a report carries it. */
async function putGood(daemon: Running, stub: Stub, target: string, mode: 'single' | 'streams', index: number): Promise<string[]> {
  const [text, expected] = index % 2 === 0 ? [GOOD_B, GOOD_B_COMPONENTS] : [GOOD_A, GOOD_A_COMPONENTS];
  const updates = countLogs(daemon, byMsg(UPDATED));
  atomicWrite(mode === 'single' ? target : join(target, 'a.yaml'), text);
  await waitUntil(() => countLogs(daemon, byMsg(UPDATED)) > updates, `the good config (${mode} ${index}) to be read`);
  assert.deepEqual(await nextReports(stub, 2), expected, 'the report carries the good config');
  return expected;
}

async function runScenarios(mode: 'single' | 'streams', scenarios: Scenario[], dir: string) {
  const target = mode === 'single' ? join(dir, 'config.yaml') : join(dir, 'streams');
  if (mode === 'single') writeFileSync(target, GOOD_A);
  else {
    mkdirSync(target);
    writeFileSync(join(target, 'a.yaml'), GOOD_A);
  }
  const stub = await startStub();
  stubs.push(stub);
  const daemon = startBinary(runArgs(target, join(dir, 'state'), stub.url, ['--period', '200ms', '--poll-interval', '100ms']));
  await stub.waitFor(2, 20_000);
  const pid = daemon.child.pid!;
  for (const [index, scenario] of scenarios.entries()) {
    const good = await putGood(daemon, stub, target, mode, index);
    const rssBeforeKb = memoryOf(pid).rssKb;
    const errorsBefore = errorsOf(daemon).length;
    scenario.apply(target);
    const named = scenario.named?.(target) ?? target;
    await waitUntil(() => errorsOf(daemon).length > errorsBefore, `an error for ${scenario.name}`);
    const error = errorsOf(daemon)[errorsBefore]!;
    const message = String(error['msg']);
    assert.match(message, /^cannot read the config: /, scenario.name);
    assert.ok(message.includes(named), `${scenario.name}: the error names ${named}: ${message}`);
    assert.match(message, scenario.problem, `${scenario.name}: ${message}`);
    assert.equal(error['keptPreviousSummary'], true, scenario.name);
    assert.doesNotMatch(message, /\n/, `${scenario.name}: one line`);
    assert.deepEqual(await nextReports(stub, 2), good, `${scenario.name}: the next report carries the last good summary`);
    assert.ok(alive(daemon), `${scenario.name}: the daemon is up`);
    assert.equal(errorsOf(daemon).length - errorsBefore, 1, `${scenario.name}: one error line: ${JSON.stringify(errorsOf(daemon).slice(errorsBefore))}`);
    const { rssKb: rssAfterKb, hwmKb } = memoryOf(pid);
    figures.push({ scenario: `${scenario.name} (${mode})`, outcome: 'one error, old summary kept', rssBeforeKb, rssAfterKb, hwmKb });
    assert.ok(rssAfterKb - rssBeforeKb < RSS_GROWTH_BOUND_KB, `${scenario.name}: RSS ${mb(rssBeforeKb)} → ${mb(rssAfterKb)} MB`);
    if (scenario.cleanup) scenario.cleanup(target);
    else rmSync(target, { recursive: true, force: true });
  }
  await putGood(daemon, stub, target, mode, scenarios.length);
  const stopped = await daemon.stop();
  assert.equal(stopped.code, 0);
}

describe('hostile configs against the running daemon', () => {
  it('single config file: each hostile write logs one error and keeps the last good summary', async (t) => {
    await runScenarios('single', singleFile, tempDir(t));
  });

  it('streams directory: a symlink loop and a link to /dev/zero', async (t) => {
    await runScenarios('streams', streamsDir, tempDir(t));
  });

  it('a config rewritten in place while the daemon reads it', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'config.yaml');
    writeFileSync(path, GOOD_A);
    const stub = await startStub();
    stubs.push(stub);
    const daemon = startBinary(runArgs(path, join(dir, 'state'), stub.url, ['--period', '100ms', '--poll-interval', '50ms']));
    await stub.waitFor(1, 20_000);
    const pid = daemon.child.pid!;
    const rssBeforeKb = memoryOf(pid).rssKb;
    const reportsBefore = stub.received.length;
    const churner = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'config-churner.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => churner.kill('SIGKILL'));
    await once(churner.stdout, 'data');
    await sleep(3000);
    churner.kill('SIGKILL');
    await once(churner, 'close');
    const during = stub.received.slice(reportsBefore);
    assert.ok(alive(daemon), 'the daemon is up');
    assert.ok(during.length >= 3, `reports went on while the file changed (${during.length})`);
    for (const request of during) {
      for (const name of componentNames(request.body)) {
        const [type, component] = name.split('/') as [string, string];
        assert.ok((CATEGORIES as readonly string[]).includes(type), name);
        assert.ok(component === 'unknown' || catalogue.has(type as (typeof CATEGORIES)[number], component), name);
      }
    }
    const updates = countLogs(daemon, byMsg(UPDATED));
    atomicWrite(path, GOOD_B);
    await waitUntil(() => countLogs(daemon, byMsg(UPDATED)) > updates, 'the good config to be read after the churn');
    assert.deepEqual(await nextReports(stub, 2), GOOD_B_COMPONENTS);
    const { rssKb: rssAfterKb, hwmKb } = memoryOf(pid);
    const errors = errorsOf(daemon).length;
    figures.push({ scenario: `rewritten in place for 3 s (${during.length} reports, ${errors} error lines)`, outcome: 'up, recovers', rssBeforeKb, rssAfterKb, hwmKb });
    assert.ok(rssAfterKb - rssBeforeKb < RSS_GROWTH_BOUND_KB, `RSS ${mb(rssBeforeKb)} → ${mb(rssAfterKb)} MB`);
    assert.equal((await daemon.stop()).code, 0);
  });
});
