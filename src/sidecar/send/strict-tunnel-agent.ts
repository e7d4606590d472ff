/**
 * A tunnel through an HTTPS proxy that fails when the proxy refuses it, and
 * trusts `--ca-file` for the endpoint at its end. https-proxy-agent, given any
 * answer to CONNECT but 200, replays that answer as if the endpoint had sent
 * it, so a proxy answering `204` would make a report look sent though it
 * never left the proxy. Here such an answer is an error that names the proxy,
 * and nothing is written to it. Its TLS options apply to the connection to
 * the proxy; the endpoint's are taken from each request, so they are added
 * there.
 */
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';

type ConnectOpts = Parameters<HttpsProxyAgent<string>['connect']>[1];

class StrictTunnelAgent extends HttpsProxyAgent<string> {
  private readonly endpointTls: ConnectionOptions;

  constructor(proxy: string, tls: ConnectionOptions) {
    super(proxy, tls);
    this.endpointTls = tls;
  }

  override async connect(req: ClientRequest, opts: ConnectOpts): Promise<Socket> {
    let status: number | undefined;
    const onConnect = (answer: { statusCode: number }, request: ClientRequest) => {
      if (request === req) status = answer.statusCode;
    };
    this.on('proxyConnect', onConnect);
    try {
      const socket = await super.connect(req, { ...opts, ...this.endpointTls });
      if (status === 200) return socket;
      socket.destroy();
      const error = new Error(`the proxy ${this.proxy.host} refused the tunnel to ${opts.host}:${opts.port} (HTTP ${status} to CONNECT); nothing was sent`);
      throw Object.assign(error, { code: 'EPROXYREFUSED' });
    } finally {
      this.off('proxyConnect', onConnect);
    }
  }
}

export function strictTunnelAgent(proxy: string, tls: ConnectionOptions): HttpsProxyAgent<string> {
  return new StrictTunnelAgent(proxy, tls);
}
