/**
 * Checks the endpoint before anything is sent. A plain http:// endpoint off
 * this machine would expose every payload on the network, so it needs an
 * explicit --allow-insecure-endpoint.
 */
import { UserError } from '../../lib/errors.ts';

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
