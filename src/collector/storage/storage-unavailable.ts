/**
 * The one failure of a store that is not the report's fault and passes by
 * itself: the database cannot be reached, is restarting, or did not answer
 * within its deadline. The collector answers it with 503 and Retry-After, so
 * the sender tries again later, and keeps running; any other storage error is
 * a fault to look into.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageUnavailableError';
  }
}

export const isStorageUnavailable = (error: unknown): error is StorageUnavailableError => error instanceof StorageUnavailableError;
