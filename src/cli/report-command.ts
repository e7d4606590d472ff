/**
 * `connect-telemetry report`: analyse the store and print or write the result.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { CliDeps } from './program.ts';
import { UserError, errorMessage } from '../lib/errors.ts';
import { analyse, type AnalysisOptions } from '../analysis/analyse.ts';
import { formatCsv, formatJson, formatTable, type Format } from '../analysis/format-report.ts';
import { isPostgresUrl, openStorage, redactDbUrl } from '../collector/storage/open-storage.ts';

export interface ReportOptions extends Omit<AnalysisOptions, 'now'> {
  db: string;
  format: Format;
  out: string | undefined;
}

export async function renderReport(options: ReportOptions, now: number): Promise<string> {
  // Reading must not leave an empty database behind where none was.
  if (!isPostgresUrl(options.db) && !existsSync(options.db)) {
    throw new UserError(`no such database: ${options.db} (give --db the file \`collect\` writes to)`);
  }
  let storage;
  try {
    storage = await openStorage(options.db);
  } catch (error) {
    throw new UserError(`--db ${redactDbUrl(options.db)}: cannot open the database (${errorMessage(error)})`, { cause: error });
  }
  try {
    const analysis = await analyse(storage, { ...options, now });
    switch (options.format) {
      case 'json':
        return formatJson(analysis);
      case 'csv':
        return formatCsv(analysis);
      case 'html': {
        const { formatHtml } = await import('../analysis/html-report.ts');
        return formatHtml(analysis);
      }
      default:
        return formatTable(analysis);
    }
  } finally {
    await storage.close();
  }
}

export async function report(options: ReportOptions, deps: Pick<CliDeps, 'stdout' | 'stderr'>, now: number): Promise<number> {
  const text = await renderReport(options, now);
  if (options.out === undefined) {
    deps.stdout(text);
    return 0;
  }
  try {
    await writeFile(options.out, text);
  } catch (error) {
    throw new UserError(`--out ${options.out}: cannot write (${errorMessage(error)})`, { cause: error });
  }
  deps.stderr(`wrote ${options.out}\n`);
  return 0;
}
