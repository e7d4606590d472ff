/**
 * Signed reports are time-bound. Pure: a token's claims, the collector's
 * clock and the policy in; whether the token may be taken now, and until when
 * it could be, out. `exp`, `nbf` and `iat` are honoured when present, with a
 * small allowance for clocks that disagree; a token issued longer ago than the
 * maximum age is refused. Connect signs its reports without any of the three,
 * so a token without them is taken (the replay guard still stores it once).
 */
import { formatDuration } from '../lib/duration.ts';
import { isObject } from '../lib/is-object.ts';

export interface TokenPolicy {
  /** How far the sender's clock may be from ours, in ms. */
  clockSkewMs: number;
  /** Tokens issued (`iat`) longer ago than this are refused; undefined: no limit. */
  maxAgeMs: number | undefined;
}

export const DEFAULT_CLOCK_SKEW_MS = 60_000;

/** `expiresAt`: when the token will be refused by time alone (ms since the epoch); null: never. */
export type TokenTimes = { ok: true; expiresAt: number | null } | { ok: false; reason: string };

const CLAIMS = ['exp', 'nbf', 'iat'] as const;
const at = (ms: number) => new Date(ms).toISOString();

/** The NumericDate claims in ms, or the name of one that is not a number. */
function readTimes(claims: Record<string, unknown>): Partial<Record<(typeof CLAIMS)[number], number>> | string {
  const times: Partial<Record<(typeof CLAIMS)[number], number>> = {};
  for (const claim of CLAIMS) {
    const value = claims[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return claim;
    times[claim] = value * 1000;
  }
  return times;
}

export function checkTokenTimes(claims: unknown, now: number, policy: TokenPolicy): TokenTimes {
  // Claims that are not an object are refused by validation; there is no time to check.
  if (!isObject(claims)) return { ok: true, expiresAt: null };
  const times = readTimes(claims);
  if (typeof times === 'string') return { ok: false, reason: `the JWT's ${times} is not a NumericDate (seconds since the epoch)` };
  const { exp, nbf, iat } = times;
  const skew = policy.clockSkewMs;
  if (exp !== undefined && now > exp + skew) return { ok: false, reason: `the JWT expired at ${at(exp)}` };
  if (nbf !== undefined && now < nbf - skew) return { ok: false, reason: `the JWT is not valid before ${at(nbf)}; check the sender's clock` };
  if (iat !== undefined && iat - skew > now) return { ok: false, reason: `the JWT was issued in the future (${at(iat)}); check the sender's clock` };
  const maxAge = policy.maxAgeMs;
  if (iat !== undefined && maxAge !== undefined && now - iat > maxAge + skew) {
    return { ok: false, reason: `the JWT was issued at ${at(iat)}, more than ${formatDuration(maxAge)} ago` };
  }
  const limits = [exp === undefined ? undefined : exp + skew, iat === undefined || maxAge === undefined ? undefined : iat + maxAge + skew];
  const defined = limits.filter((limit): limit is number => limit !== undefined);
  return { ok: true, expiresAt: defined.length === 0 ? null : Math.min(...defined) };
}
