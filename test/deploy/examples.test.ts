/**
 * Every endpoint an example gives (README, docs/, deploy/) is a full report
 * URL, so that a copied example works: the collector receives reports on one
 * path only, and a base URL gets 404.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { REPORT_PATH } from '../../src/lib/report-path.ts';

const root = resolve(import.meta.dirname, '..', '..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(root, dir, name));
}

/** The ways an example sets the endpoint: a flag, the variable (shell or Compose), a Kubernetes env entry. */
const ENDPOINT = [
  /--endpoint[ =]+(https?:\/\/[^\s`'")]+)/g,
  /CONNECT_TELEMETRY_ENDPOINT[=:] *(https?:\/\/[^\s`'")]+)/g,
  /name: CONNECT_TELEMETRY_ENDPOINT\s*\n\s*value: *(https?:\/\/\S+)/g,
];

const examples = [join(root, 'README.md'), ...filesUnder('docs', /\.md$/), ...filesUnder('deploy', /\.ya?ml$/)].flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return ENDPOINT.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => ({ file: relative(root, file), url: match[1] as string })));
});

describe('example endpoints', () => {
  it('are found in the README, docs/ and deploy/', () => {
    const files = new Set(examples.map((e) => e.file.split('/')[0]));
    for (const place of ['README.md', 'docs', 'deploy']) assert.ok(files.has(place), `an endpoint in ${place}`);
  });

  for (const { file, url } of examples) {
    it(`${file}: ${url} is a full report URL`, () => {
      assert.equal(new URL(url).pathname, REPORT_PATH);
    });
  }
});
