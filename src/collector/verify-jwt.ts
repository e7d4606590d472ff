/**
 * Reads the compact RS256 JWT that Connect sends as `text/plain`: its claims
 * are the report. With public keys (several, so keys can be rotated) only a
 * token signed by one of them passes; without keys the claims are read
 * unverified, as a collector that accepts plain JSON would read them anyway.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, errors } from 'jose';
import { errorMessage } from '../lib/errors.ts';

export type JwtResult = { ok: true; claims: unknown } | { ok: false; status: 400 | 401; reason: string };

export interface JwtReader {
  /** Whether unsigned (JSON) reports must be refused. */
  readonly requiresSignature: boolean;
  read(token: string): Promise<JwtResult>;
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

export function createJwtReader(keys: readonly KeyObject[]): JwtReader {
  return {
    requiresSignature: keys.length > 0,
    async read(text) {
      const token = text.trim();
      if (!COMPACT_JWS.test(token)) {
        return keys.length > 0 ? { ok: false, status: 401, reason: 'the body is not a compact JWT' } : { ok: false, status: 400, reason: 'the body is not a compact JWT' };
      }
      if (keys.length === 0) {
        try {
          return { ok: true, claims: decodeJwt(token) };
        } catch {
          return { ok: false, status: 400, reason: 'the JWT claims are not a JSON object' };
        }
      }
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
    },
  };
}
