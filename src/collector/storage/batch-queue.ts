/**
 * Reports that arrive close together are written together: one transaction
 * (one commit, one fsync) for many. Each caller is answered only after the
 * transaction holding its report committed, or fails with it.
 *
 * Items queued in the same turn of the event loop join one batch (up to
 * `maxBatch`); with `maxInFlight` above 1 (PostgreSQL), further batches start
 * while others are still committing, and under load each batch holds what
 * arrived while the previous ones were in flight.
 */

export interface BatchQueue<T> {
  /** Resolves once the batch holding `item` is committed. */
  push(item: T): Promise<void>;
  /** Resolves once everything queued so far has been written (or failed). */
  drain(): Promise<void>;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createBatchQueue<T>(write: (items: T[]) => void | Promise<void>, options: { maxBatch: number; maxInFlight: number }): BatchQueue<T> {
  let pending: Pending<T>[] = [];
  let scheduled = false;
  let inFlight = 0;
  const idle: (() => void)[] = [];

  const settle = () => {
    if (pending.length === 0 && inFlight === 0 && !scheduled) for (const done of idle.splice(0)) done();
  };
  const run = async (batch: Pending<T>[]) => {
    inFlight++;
    try {
      await write(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
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
      return new Promise<void>((resolve, reject) => {
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
