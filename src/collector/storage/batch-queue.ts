/**
 * Reports that arrive close together are written together: one transaction
 * (one commit, one fsync) for many. Each caller is answered only after the
 * transaction holding its report committed, or fails with it.
 *
 * Items queued in the same turn of the event loop join one batch (up to
 * `maxBatch`); with `maxInFlight` above 1, further batches start while
 * others are still committing. Under load each batch holds what arrived
 * while the previous ones were in flight.
 */

export interface BatchQueue<T, R> {
  /** Resolves with the item's outcome once the batch holding it is committed. */
  push(item: T): Promise<R>;
  /** Resolves once everything queued so far has been written (or failed). */
  drain(): Promise<void>;
}

interface Pending<T, R> {
  item: T;
  resolve: (outcome: R) => void;
  reject: (error: unknown) => void;
}

/** `write` returns one outcome per item, in order. */
export function createBatchQueue<T, R>(write: (items: T[]) => R[] | Promise<R[]>, options: { maxBatch: number; maxInFlight: number }): BatchQueue<T, R> {
  let pending: Pending<T, R>[] = [];
  let scheduled = false;
  let inFlight = 0;
  const idle: (() => void)[] = [];

  const settle = () => {
    if (pending.length === 0 && inFlight === 0 && !scheduled) for (const done of idle.splice(0)) done();
  };
  const run = async (batch: Pending<T, R>[]) => {
    inFlight++;
    try {
      const outcomes = await write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(outcomes[i] as R));
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      inFlight--;
      startBatches();
      settle();
    }
  };
  const startBatches = () => {
    while (pending.length > 0 && inFlight < options.maxInFlight) {
      const batch = pending.slice(0, options.maxBatch);
      pending = pending.slice(batch.length);
      void run(batch);
    }
  };
  const flushSoon = () => {
    if (scheduled) return;
    scheduled = true;
    // Let the other requests already read in this turn join the batch.
    setImmediate(() => {
      scheduled = false;
      startBatches();
      settle();
    });
  };

  return {
    push(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        flushSoon();
      });
    },
    drain() {
      if (pending.length === 0 && inFlight === 0 && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
