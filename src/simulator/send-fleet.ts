/**
 * Posts a simulated fleet's reports to a collector, a few at a time, encoded
 * exactly as the sidecar encodes them (JSON, or an RS256 JWT with a key).
 */
import type { KeyObject } from 'node:crypto';
import { encodeBody } from '../sidecar/send/encode-body.ts';
import type { Payload } from '../sidecar/send/payload.ts';

export interface SendOutcome {
  /** Count per HTTP status (0: no answer). */
  statuses: Record<number, number>;
}

/** Posts payloads with at most `concurrency` requests at once; JWTs when given a private key. */
export async function sendFleet(
  payloads: readonly Payload[],
  endpoint: string,
  options: { concurrency: number; signingKey?: KeyObject | undefined; fetch?: typeof fetch },
): Promise<SendOutcome> {
  const send = options.fetch ?? fetch;
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const payload = payloads[next++] as Payload;
      let status = 0;
      try {
        const { body, contentType } = await encodeBody(payload, options.signingKey, Date.now());
        const response = await send(endpoint, { method: 'POST', headers: { 'content-type': contentType }, body });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return { statuses };
}
