/**
 * The dashboard's API query (`GET /api/report?window=30d&plugin=output/aws_s3…`)
 * read into the same options `report` takes from its flags, with the same
 * defaults; a bad value is refused with a message naming the parameter.
 */
import { isCategory } from '../../catalogue/catalogue.ts';
import { PLUGIN_NAME } from '../../collector/validate-report.ts';
import { parseDuration } from '../../lib/duration.ts';
import { UserError, errorMessage } from '../../lib/errors.ts';
import type { AnalysisOptions, PluginRef } from '../report-model.ts';

export const QUERY_DEFAULTS = { window: '30d', minUptime: '0s', minSupport: '1%', minConfidence: '10%', limit: '100' };

const duration = (name: string, text: string): number => {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`${name}: ${errorMessage(error)}`);
  }
};

const share = (name: string, text: string): number => {
  const t = text.trim();
  const value = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (t === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UserError(`${name}: "${text}" is not a share between 0 and 1 (or 0% and 100%)`);
  return value;
};

const plugin = (name: string, text: string): PluginRef => {
  const [type, pluginName, ...rest] = text.trim().split(/[/:]/);
  if (rest.length > 0 || !isCategory(type) || pluginName === undefined || !PLUGIN_NAME.test(pluginName)) throw new UserError(`${name}: "${text}" is not a plugin; write it as category/name, for example output/aws_s3`);
  return { type, name: pluginName };
};

const flag = (value: string | null) => value !== null && value !== '' && value !== '0' && value !== 'false';

export function readReportQuery(query: URLSearchParams, now: number): AnalysisOptions {
  const get = (name: string, fallback: string) => query.get(name) ?? fallback;
  const windowMs = duration('window', get('window', QUERY_DEFAULTS.window));
  if (windowMs < 1) throw new UserError('window must be longer than zero');
  const limit = Number(get('limit', QUERY_DEFAULTS.limit));
  if (!Number.isSafeInteger(limit) || limit < 0) throw new UserError(`limit: "${get('limit', '')}" is not a whole number`);
  const type = query.get('type') || undefined;
  if (type !== undefined && !isCategory(type)) throw new UserError(`type: "${type}" is not a category`);
  return {
    now,
    windowMs,
    minUptimeSeconds: Math.ceil(duration('min-uptime', get('min-uptime', QUERY_DEFAULTS.minUptime)) / 1000),
    minSupport: share('min-support', get('min-support', QUERY_DEFAULTS.minSupport)),
    minConfidence: share('min-confidence', get('min-confidence', QUERY_DEFAULTS.minConfidence)),
    plugin: query.get('plugin') ? plugin('plugin', query.get('plugin') as string) : undefined,
    then: query.get('then') ? plugin('then', query.get('then') as string) : undefined,
    limit,
    type,
    includeDefaults: flag(query.get('include-defaults')),
    trend: flag(query.get('trend')),
  };
}
