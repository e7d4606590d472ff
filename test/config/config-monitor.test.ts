import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { ConfigMonitor } from '../../src/config/config-monitor.ts';

const STREAM_A = 'input:\n  generate:\n    mapping: root = {}\noutput:\n  drop: {}\n';
const STREAM_B = 'input:\n  stdin: {}\npipeline:\n  processors:\n    - mapping: root = this\noutput:\n  stdout: {}\n';

describe('ConfigMonitor', () => {
  it('tells beforeParsing the size of the files it is about to parse, and only of those that changed', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ct-monitor-')), 'streams');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), STREAM_A);
    writeFileSync(join(dir, 'b.yaml'), STREAM_B);
    const heard: number[] = [];
    const monitor = new ConfigMonitor({ configs: [dir], resources: [] }, dir, bundledCatalogue(), {}, (bytes) => heard.push(bytes));

    assert.equal((await monitor.reload()).kind, 'changed');
    assert.deepEqual(heard, [STREAM_A.length + STREAM_B.length], 'the first reload parses both files');

    assert.equal((await monitor.reload()).kind, 'unchanged');
    assert.deepEqual(heard, [STREAM_A.length + STREAM_B.length], 'nothing to parse when no byte changed');

    const changedB = `${STREAM_B}# edited\n`;
    writeFileSync(join(dir, 'b.yaml'), changedB);
    const outcome = await monitor.reload();
    assert.equal(outcome.kind, 'changed');
    assert.deepEqual(heard.at(-1), changedB.length, 'only the edited file is parsed again');
    // Each stream file counts its own input, buffer (the default, none) and output.
    if (outcome.kind === 'changed') {
      assert.deepEqual(
        outcome.summary.files.map((file) => file.components.map((component) => `${component.category}:${component.name}`).sort()),
        [
          ['buffer:none', 'input:generate', 'output:drop'],
          ['buffer:none', 'input:stdin', 'output:stdout', 'processor:mapping'],
        ],
      );
    }
  });

  it('reads env files over the process environment, and notices when one changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-monitor-env-'));
    writeFileSync(join(dir, 'config.yaml'), 'input:\n  ${IN:stdin}: {}\noutput:\n  ${OUT}: {}\n');
    writeFileSync(join(dir, '.env'), 'IN=generate\n');
    const monitor = new ConfigMonitor({ configs: ['config.yaml'], resources: [], envFiles: ['.env'] }, dir, bundledCatalogue(), { IN: 'kafka', OUT: 'drop' });
    const inputAndOutput = (outcome: Awaited<ReturnType<ConfigMonitor['reload']>>) =>
      outcome.kind === 'changed' ? outcome.summary.files[0]?.components.filter((c) => c.category !== 'buffer' && !c.defaulted).map((c) => `${c.category}:${c.name}`) : outcome.kind;

    assert.deepEqual(inputAndOutput(await monitor.reload()), ['input:generate', 'output:drop'], 'the file wins over the process environment');
    assert.equal((await monitor.reload()).kind, 'unchanged');
    writeFileSync(join(dir, '.env'), 'IN=generate\nOUT=aws_s3\n');
    assert.deepEqual(inputAndOutput(await monitor.reload()), ['input:generate', 'output:aws_s3'], 'an edited env file is a change, though no config changed');
    writeFileSync(join(dir, '.env'), 'OUT="unterminated\n');
    const failed = await monitor.reload();
    assert.equal(failed.kind, 'failed');
    if (failed.kind === 'failed') {
      assert.match(failed.error, /env file .*\.env: line 1: /);
      assert.equal(failed.keptPrevious, true);
    }
  });
});
