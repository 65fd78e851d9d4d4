// The way out of a bastion: HTTP_PROXY, HTTPS_PROXY and NO_PROXY (lower-case forms first), read as
// curl and docker read them and as undici's EnvHttpProxyAgent (our client before) did. http:// URLs go
// to the proxy in absolute form; https:// URLs through a CONNECT tunnel, with TLS end to end.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { AirlockError } from '../core/errors.js';

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The proxy a request to `url` goes through, or undefined for a direct connection. Read per request. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const value = url.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY ?? httpProxy) : httpProxy;
  if (!value || bypassed(url, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    throw new AirlockError('USAGE', `the proxy setting "${value}" is not a URL`, { hint: 'set HTTP(S)_PROXY to http://host:port (or unset it)' });
  }
}

/** NO_PROXY: `*`, or host names (matching the host and its subdomains; a leading `.` or `*.` is allowed), each optionally `:port`. */
function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase();
  const port = Number(url.port) || DEFAULT_PORT[url.protocol] || 0;
  for (const entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return true;
    const m = /^(.+):(\d+)$/.exec(entry);
    if (m && Number(m[2]) !== port) continue;
    const name = (m ? m[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * An https.Agent whose connections are CONNECT tunnels through `proxy`: the pool keeps tunnels alive
 * per target like direct connections, and TLS (certificate checks included) runs to the target itself.
 */
export class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    opts: https.AgentOptions,
  ) {
    super(opts);
  }

  // The callback form: node:http's Agent waits for `done` when this returns nothing.
  override createConnection(args: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const options = args as tls.ConnectionOptions & http.ClientRequestArgs;
    const done = callback as (err: Error | null, stream?: Duplex) => void;
    const target = `${options.host}:${options.port}`;
    const via = (this.proxy.protocol === 'https:' ? https : http).request({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: this.proxy.port || DEFAULT_PORT[this.proxy.protocol],
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(this.proxy) },
      agent: false,
    });
    via.once('connect', (res, raw, head) => {
      if (res.statusCode !== 200) {
        raw.destroy();
        return done(Object.assign(new Error(`proxy ${this.proxy.host} answered HTTP ${res.statusCode} to CONNECT ${target}`), { code: 'EPROXY' }));
      }
      if (head.length > 0) raw.unshift(head);
      const host = String(options.host);
      const secure = tls.connect({ ...options, socket: raw, servername: options.servername ?? (isIP(host) ? undefined : host) });
      // An error on the tunnel's own socket reaches the request through the TLS socket, never unhandled.
      raw.on('error', (err) => secure.destroy(err));
      done(null, secure);
    });
    via.on('error', (err) => done(err));
    via.end();
    return undefined;
  }
}
