/**
 * Which proxy, if any, a report to `url` goes through. Pure: the URL and the
 * environment in, a proxy URL (or undefined) out.
 *
 * The usual variables, as curl and most HTTP clients read them: `HTTPS_PROXY`
 * for an https URL, `HTTP_PROXY` for an http one, `ALL_PROXY` for either
 * (each also in lower case, which wins), and `NO_PROXY`: `*`, or hosts
 * separated by commas or spaces, each matching exactly or, with a leading
 * `.` or `*`, as a suffix, optionally only on one `:port`. A proxy given
 * without a scheme gets the URL's. A loopback host (`localhost`,
 * `*.localhost`, 127.0.0.0/8, `::1`) never goes through a proxy: a proxy
 * cannot reach this machine's loopback, and a report to it must not leave it.
 */
import type { Env } from '../../lib/env.ts';
import { isLoopbackHost } from './endpoint.ts';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** A variable by name, lower case first; empty counts as unset. */
const variable = (env: Env, name: string): string => env[name.toLowerCase()] || env[name.toUpperCase()] || '';

/** True when a NO_PROXY entry covers this host and port. */
function excludedBy(entry: string, hostname: string, port: number): boolean {
  const withPort = /^(.+):(\d+)$/.exec(entry);
  const host = withPort ? (withPort[1] as string) : entry;
  if (withPort && Number(withPort[2]) !== port) return false;
  if (!/^[.*]/.test(host)) return hostname === host;
  return hostname.endsWith(host.startsWith('*') ? host.slice(1) : host);
}

function excluded(noProxy: string, hostname: string, port: number): boolean {
  const entries = noProxy.toLowerCase();
  if (entries === '*') return true;
  return entries.split(/[,\s]/).some((entry) => entry !== '' && excludedBy(entry, hostname, port));
}

export function proxyFor(url: URL, env: Env): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // `host` without its port keeps an IPv6 address's brackets, as NO_PROXY writes it.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  if (isLoopbackHost(url.hostname)) return undefined;
  const port = Number(url.port) || (DEFAULT_PORTS[url.protocol] as number);
  if (excluded(variable(env, 'no_proxy'), hostname, port)) return undefined;
  const scheme = url.protocol.slice(0, -1);
  const proxy = variable(env, `${scheme}_proxy`) || variable(env, 'all_proxy');
  if (proxy === '') return undefined;
  return proxy.includes('://') ? proxy : `${scheme}://${proxy}`;
}
