/**
 * Loads node:sqlite without its one-time ExperimentalWarning: the collector
 * relies on it on purpose, and the warning would only alarm operators. Every
 * other warning still goes through.
 */
import type * as Sqlite from 'node:sqlite';

let loaded: Promise<typeof Sqlite> | undefined;

export function loadSqlite(): Promise<typeof Sqlite> {
  loaded ??= (async () => {
    const original = process.emitWarning;
    process.emitWarning = function (this: typeof process, warning: string | Error, ...rest: unknown[]) {
      const message = typeof warning === 'string' ? warning : warning.message;
      const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning instanceof Error ? warning.name : undefined);
      if (type === 'ExperimentalWarning' && /SQLite/i.test(message)) return;
      return (original as (...args: unknown[]) => void).call(this, warning, ...rest);
    } as typeof process.emitWarning;
    try {
      return await import('node:sqlite');
    } finally {
      process.emitWarning = original;
    }
  })();
  return loaded;
}
