/**
 * What the daemon logs about a new config summary: counts only (components,
 * files, components per category), and a warning for a file with documents
 * Connect ignores. Names the catalogue does not know are never logged, at
 * any level: they may be private.
 */
import { allComponents, type Summary } from '../config/summarise.ts';
import type { Logger } from '../lib/logger.ts';

/** The counts logged with "config summary updated": nothing from the config's text. */
export function summaryLogFields(summary: Summary): { components: number; files: number; byCategory: Record<string, number> } {
  const components = allComponents(summary);
  const byCategory: Record<string, number> = {};
  for (const component of components) byCategory[component.category] = (byCategory[component.category] ?? 0) + 1;
  return { components: components.length, files: summary.files.length, byCategory };
}

export function logSummary(logger: Logger, summary: Summary): void {
  logger.info(summaryLogFields(summary), 'config summary updated');
  for (const file of summary.files) {
    if (file.ignoredDocuments > 0) logger.warn({ file: file.path, documents: file.ignoredDocuments + 1 }, 'the file holds several YAML documents; like Connect, only the first is read');
  }
}
