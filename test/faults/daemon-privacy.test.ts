/**
 * Privacy on the wire and in the logs, as a property of the running daemon:
 * random configs with canaries (canary-config.ts) are fed to the built
 * binary at --log-level info; each daemon is given several configs in turn
 * (rewritten between reports) and then broken ones that carry canaries in
 * what the YAML parser complains about. No canary may appear in any request
 * body (JSON, or the claims of the signed JWT), header or URL the stub
 * receives, nor in any log line at info level or above.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseYaml } from '../../src/config/parse-yaml.ts';
import type { Payload } from '../../src/sidecar/send/payload.ts';
import { killAllBinaries, startBinary } from '../helpers/binary.ts';
import { startStub, type Stub } from '../helpers/collector-stub.ts';
import { assertClean, generate, MARK, type Generated } from './canary-config.ts';
import { byMsg, countLogs, FULL, runArgs, UPDATED, waitUntil } from './daemon-helpers.ts';
import { tempDir } from './helpers.ts';

const RUNS = Number(process.env['FAULT_PRIVACY_RUNS'] ?? (FULL ? 25 : 5));
const CONFIGS_PER_DAEMON = 3;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const stubs: Stub[] = [];
after(async () => {
  killAllBinaries();
  await Promise.all(stubs.map((s) => s.close()));
});

/** Broken configs whose parse errors would quote a canary if the message carried config text. */
function brokenConfigs(g: Generated, mark: string): { text: string; canaries: string[] }[] {
  const alias = `${mark}alias${g.canaries.size}`;
  const tag = `${mark}tag${g.canaries.size}`;
  const key = `${mark}dupkey${g.canaries.size}`;
  return [
    { text: `${g.text}\n${mark}k1: *${alias}\n`, canaries: [alias] },
    { text: `${g.text}\n${mark}k2: !${tag} [\n`, canaries: [tag] },
    { text: `${key}: 1\n${key}: 2\n`, canaries: [key] },
  ];
}

function claimsOf(jwt: string): Payload {
  const [, claims] = jwt.split('.');
  return JSON.parse(Buffer.from(claims ?? '', 'base64url').toString('utf8')) as Payload;
}

/**
 * What a signed body says, readable: its header and claims decoded. The
 * signature is checked against the key and then left out, because it is
 * random-looking base64 that can spell the marker by chance (about once in
 * a million places, case folded) while carrying nothing but the signed bytes.
 */
function readableJwt(jwt: string): string {
  const [header = '', claims = '', signature = ''] = jwt.split('.');
  const signedBytes = Buffer.from(`${header}.${claims}`);
  assert.ok(verify('sha256', signedBytes, publicKey, Buffer.from(signature, 'base64url')), 'the signature covers exactly the header and claims');
  return `${Buffer.from(header, 'base64url').toString('utf8')}.${Buffer.from(claims, 'base64url').toString('utf8')}`;
}

function write(path: string, text: string) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** A signed report's claims are the payload and `iat`, the whole second it was signed: a number, never anything from a config. */
function withoutIssuedAt(claims: Payload): Payload {
  const { iat, ...payload } = claims as Payload & { iat?: unknown };
  assert.ok(Number.isSafeInteger(iat) && Math.abs((iat as number) * 1000 - Date.now()) < 600_000, `iat ${String(iat)} is the time of signing`);
  return payload;
}

describe('privacy of the running daemon', () => {
  it('YAML error messages never quote the config', () => {
    const c = `${MARK}secret`;
    const snippets = [
      `a: *${c}\n`,
      `a: !${c} [\n`,
      `a: !<${c}> x\n`,
      `%${c} x\n---\na: 1\n`,
      `%YAML 9.${c}\n---\na: 1\n`,
      `a: "\\x${c}"\n`,
      `a: |${c}\n  x\n`,
      `a: { b: 1 ${c} c }\n`,
      `a: [ ${c} ${c}: ]\n`,
      `${c}: 1\n${c}: 2\n`,
      `a: &${c} 1\nb: *${c}\nc: *${c}x\n`,
    ];
    let errors = 0;
    for (const snippet of snippets) {
      try {
        parseYaml(snippet);
      } catch (error) {
        errors++;
        const message = error instanceof Error ? error.message : String(error);
        assert.ok(!message.includes(MARK), `${JSON.stringify(snippet)} → ${message}`);
      }
    }
    assert.ok(errors >= 6, `most snippets are refused (${errors})`);
  });

  it(`no canary on the wire or in info logs (${RUNS} daemons × ${CONFIGS_PER_DAEMON} configs + 3 broken ones)`, async (t) => {
    let runs = 0;
    let reports = 0;
    let logLines = 0;
    await fc.assert(
      // Distinct seeds: a rewrite with the same text is (rightly) not a change, so it would never be logged.
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: CONFIGS_PER_DAEMON, maxLength: CONFIGS_PER_DAEMON }), fc.boolean(), async (seeds, signed) => {
        const dir = tempDir(t);
        const generated = seeds.map((seed) => generate(seed));
        assert.equal(new Set(generated.map((g) => g.text)).size, generated.length, `seeds ${seeds.join(', ')} give distinct configs`);
        const env = Object.assign({}, ...generated.map((g) => g.env)) as Record<string, string>;
        const canaries = new Set(generated.flatMap((g) => [...g.canaries]));
        const path = join(dir, 'config.yaml');
        write(path, generated[0]!.text);
        writeFileSync(join(dir, 'key.pem'), PEM, { mode: 0o600 });
        const stub = await startStub();
        stubs.push(stub);
        const daemon = startBinary(
          runArgs(path, join(dir, 'state'), stub.url, ['--period', '150ms', '--log-level', 'info', ...(signed ? ['--signing-key', join(dir, 'key.pem')] : [])]),
          env,
        );
        try {
          for (const [index, g] of generated.entries()) {
            if (index > 0) {
              const updates = countLogs(daemon, byMsg(UPDATED));
              write(path, g.text);
              await waitUntil(() => countLogs(daemon, byMsg(UPDATED)) > updates, `config ${index} to be read`);
            } else {
              await waitUntil(() => countLogs(daemon, byMsg(UPDATED)) > 0, 'the first config to be read');
            }
            const count = stub.received.length;
            const got = await stub.waitFor(count + 2, 20_000);
            const last = got.at(-1)!;
            const payload = signed ? claimsOf(last.body) : (JSON.parse(last.body) as Payload);
            assert.deepEqual(payload.components, g.components, `config ${index}: the report carries this config`);
          }
          const broken = brokenConfigs(generated.at(-1)!, MARK);
          for (const b of broken) {
            b.canaries.forEach((c) => canaries.add(c));
            const errors = daemon.logs.filter((l) => Number(l['level']) >= 50).length;
            write(path, b.text);
            await waitUntil(() => daemon.logs.filter((l) => Number(l['level']) >= 50).length > errors, 'an error for a broken config');
          }
          const count = stub.received.length;
          await stub.waitFor(count + 1, 20_000);
        } finally {
          await daemon.stop();
        }
        // On the wire: bodies (decoded), headers and URLs.
        assert.ok(stub.received.length >= CONFIGS_PER_DAEMON * 2);
        for (const request of stub.received) {
          const payload = signed ? withoutIssuedAt(claimsOf(request.body)) : (JSON.parse(request.body) as Payload);
          assert.equal(request.headers['content-type'], signed ? 'text/plain' : 'application/json');
          assertClean(payload, { canaries }, payload.id);
          const body = signed ? readableJwt(request.body) : request.body;
          const wire = `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${body}`;
          assert.ok(!wire.toLowerCase().includes(MARK), `a canary on the wire: ${wire.slice(0, 300)}`);
          reports++;
        }
        // In the logs: every line at info level (30) or above.
        const lines = daemon.logs.filter((l) => Number(l['level']) >= 30);
        for (const line of lines) {
          const text = JSON.stringify(line);
          assert.ok(!text.toLowerCase().includes(MARK), `a canary in a log line: ${text.slice(0, 400)}`);
          for (const canary of canaries) assert.ok(!text.includes(canary), `canary ${canary} in a log line`);
        }
        const raw = daemon.stderr();
        assert.ok(!raw.toLowerCase().includes(MARK), `a canary on stderr: ${raw.slice(raw.toLowerCase().indexOf(MARK) - 200, raw.toLowerCase().indexOf(MARK) + 100)}`);
        assert.ok(daemon.logs.filter((l) => Number(l['level']) >= 50).length >= 3, 'each broken config was reported');
        logLines += lines.length;
        runs++;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    t.diagnostic(`${runs} daemons, ${reports} requests checked, ${logLines} log lines checked`);
    assert.equal(runs, RUNS);
  });
});
