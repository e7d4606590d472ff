/**
 * The Node.js version check the command line makes before loading anything,
 * held to package.json "engines" (read by semver, as npm reads it) and to what
 * every production dependency declares.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { isSupportedNode, nodeVersionProblem } from '../../bin/node-version.js';

const root = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
};

/** Versions around every edge: below, at and above each line's least version, and the lines between. */
const VERSIONS = [
  '18.20.4', '20.20.2', '22.0.0', '22.18.0', '22.21.9', '22.22.0', '22.22.1', '22.22.2', '22.22.3', '22.23.3', '23.11.1',
  '24.0.0', '24.14.9', '24.15.0', '24.20.1', '25.2.0', '26.0.0', '26.1.0', '27.0.0', '30.4.1',
];

describe('isSupportedNode', () => {
  const cases: [string, boolean][] = [
    ['20.20.2', false],
    ['22.18.0', false],
    ['22.22.1', false],
    ['22.22.2', true],
    ['v22.23.3', true],
    ['23.11.1', false],
    ['24.14.9', false],
    ['24.15.0', true],
    ['25.2.0', false],
    ['26.0.0', true],
    ['27.0.0', true],
    ['not a version', false],
  ];
  for (const [version, expected] of cases) it(`${version} → ${expected}`, () => assert.equal(isSupportedNode(version), expected));

  it('agrees with package.json "engines" as semver reads it', () => {
    for (const version of VERSIONS) assert.equal(isSupportedNode(version), semver.satisfies(version, pkg.engines.node), version);
  });
});

describe('nodeVersionProblem', () => {
  it('says which Node is needed and which this is, in one line', () => {
    assert.equal(nodeVersionProblem('20.20.2'), 'connect-telemetry needs Node.js 22.22.2 or later; this is 20.20.2');
    assert.equal(nodeVersionProblem('22.18.0'), 'connect-telemetry needs Node.js 22.22.2 or later; this is 22.18.0');
  });

  it('names each supported line for a version between them', () => {
    assert.equal(nodeVersionProblem('24.3.0'), 'connect-telemetry needs Node.js 22 (22.22.2 or later), 24 (24.15.0 or later) or 26 and later; this is 24.3.0');
  });

  it('says nothing on a supported version', () => {
    assert.equal(nodeVersionProblem('22.22.2'), undefined);
  });
});

describe('package.json "engines"', () => {
  it('asks for no less than any production dependency declares', () => {
    const needs = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .map(([path, entry]) => [path.replace(/^.*node_modules\//, ''), (entry.engines as { node: string }).node] as const);
    assert.ok(needs.some(([name]) => name === 'write-file-atomic'), 'the lockfile lists the dependencies with their engines');
    for (const [name, range] of needs) assert.ok(semver.subset(pkg.engines.node, range), `${name} needs Node ${range}; engines says ${pkg.engines.node}`);
  });
});
