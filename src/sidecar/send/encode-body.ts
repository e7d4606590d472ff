/**
 * The request body: JSON, or, with a signing key, a compact RS256 JWT whose
 * claims are the payload, sent as text/plain as Connect sends it. The token
 * also carries `iat` (when it was signed), so a collector can refuse an old
 * captured token and forget the tokens it has seen once they are too old to
 * be taken again; a receiver that does not know the claim ignores it.
 */
import type { KeyObject } from 'node:crypto';
import type { Payload } from './payload.ts';

export interface EncodedBody {
  body: string;
  contentType: string;
}

/** `issuedAt`: ms since the epoch, from the caller's clock. */
export async function encodeBody(payload: Payload, signingKey: KeyObject | undefined, issuedAt: number): Promise<EncodedBody> {
  if (!signingKey) return { body: JSON.stringify(payload), contentType: 'application/json' };
  // jose loads only when a signed report is built, not with the daemon.
  const { SignJWT } = await import('jose');
  const token = await new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(Math.floor(issuedAt / 1000))
    .sign(signingKey);
  return { body: token, contentType: 'text/plain' };
}
