/**
 * A failure the user can fix (a missing file, bad YAML, a bad flag). Its
 * message says what went wrong and what to do; the CLI prints it without a
 * stack trace and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? 2;
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The errno code of a Node.js system error, if there is one. */
export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
