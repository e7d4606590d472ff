/**
 * What a POST carries, read within its limits: the body (never more than the
 * limit, and not a byte more is read once it is passed), then the claims by
 * media type — JSON, or a JWT in text/plain whose signature and times are
 * checked. A problem the sender can fix is a Refusal with its HTTP status.
 */
import type { IncomingMessage } from 'node:http';
import { errorCode } from '../lib/errors.ts';
import type { ReportToken } from './storage/storage.ts';
import type { JwtReader } from './verify-jwt.ts';

export class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The claims of a report, and its token when it came as a JWT. */
export interface ReadClaims {
  claims: unknown;
  token?: ReportToken;
}

/** Whether an error means the client went away (aborted, reset, timed out): nothing to answer, nothing to fix. */
export function isClientGone(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_HTTP_REQUEST_TIMEOUT';
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new Refusal(413, `the body is ${declared} bytes; at most ${limit} are accepted`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new Refusal(413, `the body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What the body holds, by its media type; the signature and the token's times are checked here too. */
export async function claimsOf(req: IncomingMessage, body: Buffer, jwt: JwtReader, now: number): Promise<ReadClaims> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') {
    if (jwt.requiresSignature) throw new Refusal(401, 'this collector accepts only signed reports: send an RS256 JWT as text/plain');
    try {
      return { claims: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      throw new Refusal(400, 'the body is not JSON');
    }
  }
  if (mediaType === 'text/plain') {
    const result = await jwt.read(body.toString('utf8'), now);
    if (!result.ok) throw new Refusal(result.status, result.reason);
    return { claims: result.claims, token: result.token };
  }
  throw new Refusal(415, 'send the report as application/json, or as a JWT in text/plain');
}
