/**
 * The HTTP agent a report goes through: none for a plain connection, an
 * HTTPS agent that also trusts `--ca-file`, or a tunnel through the proxy
 * that HTTPS_PROXY / HTTP_PROXY / NO_PROXY name. TLS and proxy code loads
 * only when an agent is needed.
 */
import type { Agent } from 'node:http';
import { readFile } from 'node:fs/promises';
import { getProxyForUrl } from 'proxy-from-env';
import { describeFsError } from '../../lib/fs-errors.ts';

export async function buildAgent(endpoint: URL, caFile: string | undefined): Promise<Agent | undefined> {
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = await readFile(caFile, 'utf8');
    } catch (error) {
      throw describeFsError(error, caFile, 'CA file');
    }
  }
  // proxy-from-env reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the process environment.
  const proxy = getProxyForUrl(endpoint.href);
  if (!proxy && (endpoint.protocol !== 'https:' || ca === undefined)) return undefined;
  const tls = ca !== undefined ? { ca: [...(await import('node:tls')).rootCertificates, ca] } : {};
  if (proxy) {
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    return new HttpsProxyAgent(proxy, tls);
  }
  const { Agent: HttpsAgent } = await import('node:https');
  return new HttpsAgent(tls);
}
