/**
 * Logs are JSON lines on stderr (pino). At info level they never carry a
 * config's values: only counts, categories, catalogue names and file paths.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel, destination: DestinationStream): Logger {
  return pino({ level, base: { name: 'connect-telemetry' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
