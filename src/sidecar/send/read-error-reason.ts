/**
 * Reads the one-line reason a server gives with a refusal (the collector
 * answers every refusal with one, as text/plain), so the sidecar's log can say
 * why. The sender never buffers a response body; this is the one exception,
 * kept small: at most a few hundred bytes of a text/plain body, read within
 * the attempt's time limit, then the rest is dropped unread.
 */

/** Bytes read at most: enough for a sentence, too few to cost anything. */
export const MAX_REASON_BYTES = 512;
/** Characters kept of the first line. */
const MAX_REASON_CHARS = 200;

type Chunk = Uint8Array | string;

function isTextPlain(contentType: string | null): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'text/plain';
}

function asyncIteratorOf(body: unknown): AsyncIterator<Chunk> | undefined {
  const iterable = body as { [Symbol.asyncIterator]?: () => AsyncIterator<Chunk> } | null;
  const iterate = iterable?.[Symbol.asyncIterator];
  return typeof iterate === 'function' ? iterate.call(iterable) : undefined;
}

/** Drops a body without reading it: a Node stream is destroyed, a web stream cancelled. */
export function discardBody(body: unknown): void {
  const stream = body as { destroy?: () => void; cancel?: () => Promise<void>; locked?: boolean } | null;
  if (stream && typeof stream.destroy === 'function') stream.destroy();
  else if (stream && typeof stream.cancel === 'function' && !stream.locked) stream.cancel().catch(() => undefined);
}

/** The first line, without control characters, cut to a length that fits a log line. */
export function firstLineOf(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  if (clean === '') return undefined;
  return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS)}…` : clean;
}

/** Reads at most `maxBytes` of the body, stopping when `signal` aborts; returns what arrived. */
async function readPrefix(iterator: AsyncIterator<Chunk>, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let onAbort = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    while (size < maxBytes) {
      // Should time run out first, this read may fail once the body is dropped: the race has handled it.
      const step = await Promise.race([iterator.next(), aborted]);
      if (step === 'aborted' || step.done) break;
      const bytes = typeof step.value === 'string' ? new TextEncoder().encode(step.value) : step.value;
      chunks.push(bytes.subarray(0, maxBytes - size));
      size += Math.min(bytes.length, maxBytes - size);
    }
  } catch {
    // the connection failed mid-body: keep what arrived
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks);
}

/**
 * The reason in a refusal's body: the first line of at most `maxBytes` of a
 * text/plain body, or undefined (another media type, an empty body, no time
 * left). The body is always dropped after.
 */
export async function readErrorReason(body: unknown, contentType: string | null, signal: AbortSignal, maxBytes = MAX_REASON_BYTES): Promise<string | undefined> {
  const iterator = isTextPlain(contentType) ? asyncIteratorOf(body) : undefined;
  if (!iterator) {
    discardBody(body);
    return undefined;
  }
  try {
    const prefix = await readPrefix(iterator, signal, maxBytes);
    return firstLineOf(new TextDecoder('utf-8', { fatal: false }).decode(prefix));
  } finally {
    iterator.return?.().catch(() => undefined);
    discardBody(body);
  }
}
