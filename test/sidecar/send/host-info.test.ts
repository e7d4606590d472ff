import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { readHostInfo } from '../../../src/sidecar/send/host-info.ts';

describe('readHostInfo', () => {
  it("reads this machine's CPU count, as Go's default GOMAXPROCS too", () => {
    const info = readHostInfo();
    assert.equal(info.numCpu, availableParallelism());
    assert.equal(info.goMaxProcs, availableParallelism());
    assert.match(info.goArch, /^[a-z0-9]+$/);
    assert.match(info.goOS, /^[a-z]+$/);
  });
});
