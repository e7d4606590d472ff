/**
 * Quick checks of the Dockerfile as text: the choices that make the image safe
 * to run as a sidecar, that its build stage is given every file the build and
 * the package need, and that scripts/package-smoke.sh still repeats its install
 * steps. The real proof is scripts/image-smoke.sh, which builds the image and
 * runs it (CI runs it as root).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const smoke = readFileSync(join(root, 'scripts', 'package-smoke.sh'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };

/** Instructions with continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM\s/i.test(line)) acc.push([]);
  acc.at(-1)?.push(line);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
const find = (lines: string[], keyword: string) => lines.filter((line) => line.toUpperCase().startsWith(`${keyword} `));
const args = Object.fromEntries(
  instructions.filter((l) => /^ARG\s/i.test(l)).map((l) => l.slice(4).split('=')).filter((kv) => kv.length === 2).map(([k, v]) => [k?.trim(), v?.trim()]),
);
const expand = (text: string) => text.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? `\${${name}}`);

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on Node.js 22', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const stage of stages) assert.match(expand(stage[0] as string), /^FROM\s+node:22[.\w-]*\b/i);
  });

  it('installs only production dependencies, from the lockfile, without install scripts', () => {
    assert.ok(instructions.some((l) => /npm ci\b.*--omit=dev.*--ignore-scripts/.test(l)));
    assert.ok(!runtime.some((l) => /\bnpm (ci|install)\b/.test(l)), 'the runtime stage installs nothing itself');
  });

  it('runs as a fixed, numeric, non-root user', () => {
    const [user] = find(runtime, 'USER');
    assert.ok(user, 'USER is set');
    const [uid, gid] = expand(user.slice(5).trim()).split(':');
    assert.match(uid as string, /^\d+$/);
    assert.notEqual(Number(uid), 0);
    assert.notEqual(Number(gid ?? '1'), 0);
  });

  it('uses an exec-form entrypoint so SIGTERM reaches node', () => {
    const [entrypoint] = find(runtime, 'ENTRYPOINT');
    assert.deepEqual(JSON.parse(entrypoint?.slice('ENTRYPOINT'.length) ?? 'null'), ['node', '/app/bin/connect-telemetry.js']);
    const [cmd] = find(runtime, 'CMD');
    assert.deepEqual(JSON.parse(cmd?.slice('CMD'.length) ?? 'null'), ['run']);
  });

  it('declares the state directory as a volume and points the daemon at it', () => {
    const env = find(runtime, 'ENV').join(' ');
    const stateDir = /CONNECT_TELEMETRY_STATE_DIR=(\S+)/.exec(env)?.[1];
    assert.ok(stateDir, 'CONNECT_TELEMETRY_STATE_DIR is set');
    const volumes = find(runtime, 'VOLUME').flatMap((l) => JSON.parse(l.slice('VOLUME'.length)) as string[]);
    assert.ok(volumes.includes(stateDir));
  });

  it('copies into the build stage every file the package ships that the build does not make', () => {
    const build = stages[0] ?? [];
    const copied = find(build, 'COPY').flatMap((line) => line.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith('--')));
    const shipped = pkg.files.filter((entry) => !entry.startsWith('!') && !entry.startsWith('dist/'));
    for (const entry of shipped) {
      const path = entry.replace(/\/$/, '');
      assert.ok(copied.some((source) => path === source.replace(/\/$/, '') || path.startsWith(`${source.replace(/\/$/, '')}/`)), `package.json "files" lists ${entry}; no COPY brings it in`);
    }
  });

  it('copies into the build stage the scripts the build runs', () => {
    const build = stages[0] ?? [];
    const copied = find(build, 'COPY').flatMap((line) => line.split(/\s+/).slice(1, -1));
    const scripts = [...pkg.scripts['build']!.matchAll(/node (scripts\/\S+)/g)].map((m) => m[1] as string);
    assert.ok(scripts.length > 0, 'the build runs a script');
    for (const script of scripts) assert.ok(copied.some((source) => script === source || script.startsWith(`${source.replace(/\/$/, '')}/`)), `npm run build runs ${script}; no COPY brings it in`);
  });

  it('sends the build only what it copies', () => {
    for (const line of find(instructions, 'COPY').filter((l) => !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith('--'));
      for (const source of sources) assert.ok(dockerignore.includes(`!${source}`), `.dockerignore lets ${source} in`);
    }
  });
});

describe('scripts/package-smoke.sh', () => {
  it('repeats the image steps: pack, production install, the image UID', () => {
    assert.match(smoke, /npm pack/);
    assert.match(smoke, /npm ci --omit=dev --ignore-scripts/);
    const [user] = find(runtime, 'USER');
    const uid = expand(user?.slice(5).trim() ?? '').split(':')[0];
    assert.match(smoke, new RegExp(`run_uid=${uid}\\b`));
  });
});
