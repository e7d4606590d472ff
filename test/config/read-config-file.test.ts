import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../src/config/read-config-file.ts';

describe('readConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-read-'));

  it('reads a UTF-8 file', async () => {
    writeFileSync(join(dir, 'ok.yaml'), 'a: é\n');
    assert.equal(await readConfigFile(join(dir, 'ok.yaml')), 'a: é\n');
  });

  it('refuses a file over the size cap without reading it all', async () => {
    writeFileSync(join(dir, 'big.yaml'), 'a'.repeat(2048));
    await assert.rejects(readConfigFile(join(dir, 'big.yaml'), 1024), /2048 bytes, more than the 1024-byte limit/);
  });

  it('refuses invalid UTF-8', async () => {
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    await assert.rejects(readConfigFile(join(dir, 'latin1.yaml')), /not valid UTF-8/);
  });

  it('refuses a directory, a device and a FIFO without blocking', async () => {
    await assert.rejects(readConfigFile(dir), /is a directory/);
    await assert.rejects(readConfigFile('/dev/zero'), /not a regular file/);
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readConfigFile(fifo), /not a regular file/);
  });

  it('says plainly when a file is missing', async () => {
    await assert.rejects(readConfigFile(join(dir, 'missing.yaml')), /^UserError: no such config file: /);
  });
});
