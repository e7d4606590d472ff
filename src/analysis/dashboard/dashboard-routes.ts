/**
 * The dashboard `collect --ui` serves: the page (`/ui/`, with its script and
 * stylesheet as files of the same origin, so the Content-Security-Policy
 * allows nothing else) and the analysis behind it as JSON at
 * `GET /api/report?window=…&plugin=…`, the same JSON `report --format json`
 * prints. Answers are kept for a few seconds per query and a query already
 * running is shared, so a page reloaded by many people costs one analysis.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FleetReader } from '../../collector/storage/fleet-reader.ts';
import { UserError } from '../../lib/errors.ts';
import { analyse } from '../analyse.ts';
import { formatJson } from '../format-report.ts';
import { UnknownPluginError } from '../suggest-plugins.ts';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard-page.ts';
import { DASHBOARD_SCRIPT } from './dashboard-script.ts';
import { readReportQuery } from './report-query.ts';

export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Most answers kept at once. */
const MAX_KEPT = 64;

export interface DashboardDeps {
  reader: FleetReader;
  now: () => number;
  /** How long an answer is reused for the same query. */
  cacheMs?: number;
  /** Told about an analysis that failed for a reason other than the query. */
  onError?: (error: unknown) => void;
}

const send = (res: ServerResponse, status: number, type: string, body: string) => res.writeHead(status, { ...HEADERS, 'content-type': type }).end(body);

export function createDashboardRoutes(deps: DashboardDeps) {
  const cacheMs = deps.cacheMs ?? 5000;
  const answers = new Map<string, { at: number; json: Promise<string> }>();
  const analysisJson = (query: URLSearchParams): Promise<string> => {
    const key = [...query].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
    const now = deps.now();
    const kept = answers.get(key);
    if (kept && now - kept.at < cacheMs) return kept.json;
    for (const [k, v] of answers) if (now - v.at >= cacheMs) answers.delete(k);
    // Many distinct queries at once: keep memory bounded rather than every answer.
    if (answers.size >= MAX_KEPT) answers.clear();
    const json = (async () => formatJson(await analyse(deps.reader, readReportQuery(query, now))))();
    answers.set(key, { at: now, json });
    json.catch(() => answers.delete(key));
    return json;
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const page = { '/ui/': ['text/html; charset=utf-8', DASHBOARD_HTML], '/ui/app.js': ['text/javascript; charset=utf-8', DASHBOARD_SCRIPT], '/ui/app.css': ['text/css; charset=utf-8', DASHBOARD_CSS] }[url.pathname];
    if (url.pathname !== '/ui' && url.pathname !== '/api/report' && url.pathname !== '/favicon.ico' && page === undefined) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...HEADERS, allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end('use GET\n');
      return true;
    }
    if (url.pathname === '/ui') res.writeHead(308, { ...HEADERS, location: '/ui/' }).end();
    // Browsers ask for an icon; there is none, and saying so plainly keeps their console clean.
    else if (url.pathname === '/favicon.ico') res.writeHead(204, HEADERS).end();
    else if (page) send(res, 200, page[0] as string, page[1] as string);
    else {
      try {
        send(res, 200, 'application/json; charset=utf-8', await analysisJson(url.searchParams));
      } catch (error) {
        if (!(error instanceof UserError)) deps.onError?.(error);
        const suggestions = error instanceof UnknownPluginError ? error.suggestions : [];
        send(res, error instanceof UserError ? 400 : 500, 'application/json; charset=utf-8', JSON.stringify({ error: error instanceof UserError ? error.message : 'the analysis failed', suggestions }));
      }
    }
    return true;
  };
}
