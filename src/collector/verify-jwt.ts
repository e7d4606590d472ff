/**
 * Reads the compact RS256 JWT that Connect sends as `text/plain`: its claims
 * are the report. With public keys (several, so keys can be rotated) only a
 * token signed by one of them passes; without keys the claims are read
 * unverified, as a collector that accepts plain JSON would read them anyway.
 * Either way the token's times are checked, and its digest goes with the
 * claims so the store can refuse to keep the same token twice.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, errors } from 'jose';
import { errorMessage } from '../lib/errors.ts';
import { checkTokenTimes, DEFAULT_CLOCK_SKEW_MS, type TokenPolicy } from './check-token-times.ts';
import type { ReportToken } from './storage/storage.ts';

export type JwtResult = { ok: true; claims: unknown; token: ReportToken } | { ok: false; status: 400 | 401; reason: string };

export interface JwtReader {
  /** Whether unsigned (JSON) reports must be refused. */
  readonly requiresSignature: boolean;
  /** `now`: the collector's clock, in ms since the epoch. */
  read(token: string, now: number): Promise<JwtResult>;
}

/** Parses PEM public keys (SPKI, PKCS#1 or a certificate); throws on anything but RSA. */
export function parsePublicKeys(pems: readonly { source: string; pem: string }[]): KeyObject[] {
  return pems.map(({ source, pem }) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw new Error(`${source} is not a PEM public key (${errorMessage(error)})`, { cause: error });
    }
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`${source} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs an RSA key`);
    return key;
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type ClaimsResult = { ok: true; claims: unknown } | { ok: false; status: 400 | 401; reason: string };

export function createJwtReader(keys: readonly KeyObject[], policy: TokenPolicy = { clockSkewMs: DEFAULT_CLOCK_SKEW_MS, maxAgeMs: undefined }): JwtReader {
  return {
    requiresSignature: keys.length > 0,
    async read(text, now) {
      const token = text.trim();
      if (!COMPACT_JWS.test(token)) {
        return keys.length > 0 ? { ok: false, status: 401, reason: 'the body is not a compact JWT' } : { ok: false, status: 400, reason: 'the body is not a compact JWT' };
      }
      const read = keys.length === 0 ? readUnverified(token) : await verifiedClaims(token, keys);
      if (!read.ok) return read;
      const times = checkTokenTimes(read.claims, now, policy);
      if (!times.ok) return { ok: false, status: 401, reason: times.reason };
      const digest = createHash('sha256').update(token).digest('hex');
      return { ok: true, claims: read.claims, token: { digest, expiresAt: times.expiresAt } };
    },
  };
}

function readUnverified(token: string): ClaimsResult {
  try {
    return { ok: true, claims: decodeJwt(token) };
  } catch {
    return { ok: false, status: 400, reason: 'the JWT claims are not a JSON object' };
  }
}

async function verifiedClaims(token: string, keys: readonly KeyObject[]): Promise<ClaimsResult> {
  for (const key of keys) {
    try {
      const { payload } = await compactVerify(token, key, { algorithms: ['RS256'] });
      return { ok: true, claims: JSON.parse(decoder.decode(payload)) as unknown };
    } catch (error) {
      // A signature made by another key: try the next one. Anything else
      // (a bad header, a wrong algorithm, bad claims) fails the same for all keys.
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof SyntaxError || error instanceof TypeError) return { ok: false, status: 400, reason: 'the JWT claims are not JSON' };
      return { ok: false, status: 401, reason: `the JWT was refused (${errorMessage(error)})` };
    }
  }
  return { ok: false, status: 401, reason: 'the JWT is not signed by any of the configured keys' };
}
