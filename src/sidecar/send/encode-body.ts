/**
 * The request body: JSON, or, with a signing key, a compact RS256 JWT whose
 * claims are the payload, sent as text/plain as Connect sends it.
 */
import type { KeyObject } from 'node:crypto';
import type { Payload } from './payload.ts';

export interface EncodedBody {
  body: string;
  contentType: string;
}

export async function encodeBody(payload: Payload, signingKey?: KeyObject): Promise<EncodedBody> {
  if (!signingKey) return { body: JSON.stringify(payload), contentType: 'application/json' };
  // jose loads only when a signed report is built, not with the daemon.
  const { SignJWT } = await import('jose');
  const token = await new SignJWT({ ...payload }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(signingKey);
  return { body: token, contentType: 'text/plain' };
}
