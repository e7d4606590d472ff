/**
 * One report, start to finish: analyse the store, then render the analysis
 * in the format asked for. The HTML renderer loads only for HTML.
 */
import type { Storage } from '../collector/storage/storage.ts';
import { analyse } from './analyse.ts';
import type { AnalysisOptions } from './report-model.ts';
import { formatCsv, formatJson } from './format-report.ts';
import { formatTable } from './format-table.ts';
import type { ReportFormat } from './report-formats.ts';

export async function renderReport(storage: Storage, options: AnalysisOptions, format: ReportFormat): Promise<string> {
  const analysis = await analyse(storage, options);
  switch (format) {
    case 'json':
      return formatJson(analysis);
    case 'csv':
      return formatCsv(analysis);
    case 'html': {
      const { formatHtml } = await import('./html-report.ts');
      return formatHtml(analysis);
    }
    case 'table':
      return formatTable(analysis);
  }
}
