/**
 * The HTTP agent a report goes through: none for a plain direct connection,
 * an HTTPS agent that also trusts `--ca-file`, a tunnel (CONNECT) through the
 * proxy for an https endpoint, or an HTTP proxy that forwards the request for
 * an http endpoint: a plain-http report is never tunnelled. Which proxy, if
 * any, comes from `proxyFor` (the environment is passed in). TLS and proxy
 * code loads only when an agent is needed.
 */
import type { Agent } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { Env } from '../../lib/env.ts';
import { describeFsError } from '../../lib/fs-errors.ts';
import { proxyFor } from './proxy-for.ts';

async function readCa(caFile: string | undefined): Promise<string | undefined> {
  if (caFile === undefined) return undefined;
  try {
    return await readFile(caFile, 'utf8');
  } catch (error) {
    throw describeFsError(error, caFile, 'CA file');
  }
}

export async function buildAgent(endpoint: URL, caFile: string | undefined, env: Env): Promise<Agent | undefined> {
  const ca = await readCa(caFile);
  const proxy = proxyFor(endpoint, env);
  if (endpoint.protocol === 'http:') {
    if (!proxy) return undefined;
    const { HttpProxyAgent } = await import('http-proxy-agent');
    return new HttpProxyAgent(proxy);
  }
  if (!proxy && ca === undefined) return undefined;
  const tls = ca !== undefined ? { ca: [...(await import('node:tls')).rootCertificates, ca] } : {};
  if (proxy) {
    const { strictTunnelAgent } = await import('./strict-tunnel-agent.ts');
    return strictTunnelAgent(proxy, tls);
  }
  const { Agent: HttpsAgent } = await import('node:https');
  return new HttpsAgent(tls);
}
