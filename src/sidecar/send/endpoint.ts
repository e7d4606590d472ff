/**
 * Checks the endpoint before anything is sent. A plain http:// endpoint off
 * this machine would expose every payload on the network, so it needs an
 * explicit --allow-insecure-endpoint. When the endpoint turns out to be the
 * wrong URL (no path at all, or a 404), says what to set instead.
 */
import { UserError } from '../../lib/errors.ts';
import { REPORT_PATH } from '../../lib/report-path.ts';

/**
 * `hostname` as a WHATWG URL gives it: an IPv4 address always in dotted
 * decimal (`127.1` and `0x7f.1` become `127.0.0.1`), an IPv6 address in
 * brackets and compressed (`[0:0:0:0:0:0:0:1]` becomes `[::1]`). Checking
 * that form needs no address parser (node:net would load for this alone).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.startsWith('127.');
  return host === '[::1]';
}

export function parseEndpoint(text: string, allowInsecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--endpoint: "${text}" is not a URL (expected https://host/path)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`--endpoint: ${url.protocol} is not supported; use https:// (or http:// on this machine)`);
  }
  if (url.username || url.password) {
    throw new UserError('--endpoint: credentials in the URL are not supported; they would be logged and sent with every report');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw new UserError(
      `--endpoint: ${url.origin} is plain http on the network, where anyone on the path can read the payload; ` +
        'use https, or pass --allow-insecure-endpoint if you accept that',
    );
  }
  return url;
}

/**
 * The endpoint to suggest when `url` answered 404 or 405: the collector's
 * report path on the same origin (or the same URL without a trailing slash),
 * or undefined when `url` already is the report URL.
 */
export function suggestedEndpoint(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(REPORT_PATH)) return path === url.pathname ? undefined : `${url.origin}${path}`;
  return `${url.origin}${REPORT_PATH}`;
}

/**
 * Why a POST answered 404 or 405, for the log: the URL posted to (without its
 * query), the server's own one-line reason, and what to change when the path
 * looks wrong.
 */
export function describeWrongPath(status: number, url: URL, reason: string | undefined): string {
  const said = reason === undefined ? '' : ` ("${reason}")`;
  const suggestion = suggestedEndpoint(url);
  const change = suggestion === undefined ? '' : `; if it is a connect-telemetry collector, set --endpoint to ${suggestion}`;
  return `HTTP ${status} from ${url.origin}${url.pathname}${said}${change}`;
}

/** A start-up warning for an endpoint without a path, which a collector's report URL always has; undefined otherwise. */
export function endpointPathWarning(url: URL): string | undefined {
  if (url.pathname !== '/') return undefined;
  return `the endpoint ${url.origin}/ has no path; a connect-telemetry collector receives reports on ${REPORT_PATH}: if that is what it is, set --endpoint to ${url.origin}${REPORT_PATH}`;
}
