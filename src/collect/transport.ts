// One HTTP request to an upstream over node:http(s), directly or through the environment's proxy,
// on keep-alive pools. node:http is the client here (not undici 7) because it applies backpressure by
// pausing the socket, not the parser: an upstream that closes the connection right after the body while
// we are still writing to disk ends the response normally (undici 7 asserted there: nodejs/undici#5360).
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { proxyAuthorization, proxyFor, TunnelAgent } from './proxy.js';

export interface TransportOptions {
  /** Longest silence, waiting for the answer or between two body reads, before the request fails. */
  idleTimeoutMs: number;
  /** Connections per origin. */
  connections: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveMs: number;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
}

export class Transport {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly opts: TransportOptions) {}

  /** Resolves with the response once its head arrives; rejects on a connection error or silence. */
  open(url: string, init: RequestInit = {}): Promise<IncomingMessage> {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(Object.assign(new Error(`${target.protocol} URLs are not supported, only http: and https:`), { code: 'EPROTOCOL' }));
    }
    const secure = target.protocol === 'https:';
    const proxy = proxyFor(target);
    const headers = { ...init.headers };
    // Plain HTTP through a proxy: ask the proxy for the absolute URL. HTTPS: a tunnel (TunnelAgent).
    const forward = proxy !== undefined && !secure;
    const to = forward ? proxy : target;
    if (forward) Object.assign(headers, { host: target.host }, proxyAuthorization(proxy));
    const options: https.RequestOptions = {
      method: init.method ?? 'GET',
      host: to.hostname.replace(/^\[|\]$/g, ''),
      port: to.port || (to.protocol === 'https:' ? 443 : 80),
      path: forward ? target.origin + target.pathname + target.search : target.pathname + target.search,
      headers,
      agent: this.agent(to.protocol, secure ? proxy : undefined),
    };
    return new Promise((resolve, reject) => {
      const req = (to.protocol === 'https:' ? https : http).request(options, resolve);
      // Stays attached after the response: a later socket error must reach the body, not end the process.
      req.on('error', reject);
      req.setTimeout(this.opts.idleTimeoutMs, () => req.destroy(Object.assign(new Error(`no data for ${this.opts.idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      req.end();
    });
  }

  /** One pool per scheme for direct (and forward-proxied) connections, one per proxy for tunnels. */
  private agent(protocol: string, tunnel: URL | undefined): http.Agent {
    const key = tunnel ? `tunnel ${tunnel.href}` : protocol;
    let agent = this.agents.get(key);
    if (!agent) {
      const settings = { keepAlive: true, maxSockets: this.opts.connections, timeout: this.opts.keepAliveMs };
      agent = tunnel ? new TunnelAgent(tunnel, settings) : protocol === 'https:' ? new https.Agent(settings) : new http.Agent(settings);
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
