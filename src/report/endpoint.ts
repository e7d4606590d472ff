/**
 * Checks the endpoint before anything is sent. A plain http:// endpoint off
 * this machine would expose every payload on the network, so it needs an
 * explicit --allow-insecure-endpoint.
 */
import { isIP } from 'node:net';
import { UserError } from '../errors.ts';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
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
