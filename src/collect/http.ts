// The one HTTP client for upstream traffic: keep-alive connections, timeouts, and a request helper that
// follows redirects, retries transient failures and honours Retry-After. Kinds never open sockets
// themselves. Bastions usually reach the internet through a proxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY
// (and their lower-case forms) are honoured as curl and docker honour them (proxy.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { AirlockError } from '../core/errors.js';
import { ResponseBody } from './body.js';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { Transport, type RequestInit } from './transport.js';

export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

export interface HttpOptions {
  retry?: RetryPolicy;
  /** Called before each wait, for logs and tests. */
  onRetry?: (info: { url: string; attempt: number; waitMs: number; reason: string }) => void;
}

type Init = RequestInit & { method?: 'GET' | 'HEAD' };

export class UpstreamHttp {
  readonly retry: RetryPolicy;
  private readonly transport = new Transport({ idleTimeoutMs: 60_000, connections: 16, keepAliveMs: 30_000 });

  constructor(private readonly opts: HttpOptions = {}) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  /** One request, no retry. The caller must consume or dump the body. */
  async once(url: string, init: Init = {}): Promise<HttpResponse> {
    try {
      const message = await this.transport.open(url, init);
      return { statusCode: message.statusCode ?? 0, headers: message.headers, body: new ResponseBody(message) };
    } catch (err) {
      throw err instanceof AirlockError ? err : networkError(url, err);
    }
  }

  /** GET/HEAD following redirects and retrying transient failures; resolves with a 2xx/3xx/4xx response. */
  async send(url: string, init: Init = {}): Promise<HttpResponse & { url: string }> {
    let current = url;
    for (let attempt = 0, redirects = 0; ; ) {
      let res: HttpResponse;
      try {
        res = await this.once(current, init);
      } catch (err) {
        // A name that does not exist, or a certificate we do not trust, will not change in a few seconds;
        // nor will a bad proxy setting (USAGE).
        if (!(err instanceof AirlockError && err.code === 'FETCH_FAILED')) throw err;
        const cause = String((err as AirlockError).data?.cause);
        if (++attempt >= this.retry.attempts || cause === 'ENOTFOUND' || cause === 'EPROTOCOL' || UNTRUSTED_CERTIFICATE.has(cause)) throw err;
        await this.wait(current, attempt, backoffMs(this.retry, attempt), (err as Error).message);
        continue;
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects++ < 10) {
        await res.body.dump();
        const next = URL.canParse(String(res.headers.location), current) ? new URL(String(res.headers.location), current) : undefined;
        if (!next) throw new AirlockError('FETCH_FAILED', `${current}: redirected to "${String(res.headers.location)}", which is not a URL`, { data: { url: current, status: res.statusCode } });
        // Credentials never follow a redirect to another origin (registries redirect blobs to presigned
        // S3/CDN URLs, which refuse a second auth mechanism and must not see the registry's token).
        if (next.origin !== new URL(current).origin && init.headers?.authorization !== undefined) {
          const { authorization: _dropped, ...rest } = init.headers;
          init = { ...init, headers: rest };
        }
        current = next.toString();
        continue;
      }
      if (isRetryableStatus(res.statusCode) && ++attempt < this.retry.attempts) {
        await res.body.dump();
        await this.wait(current, attempt, this.retryDelay(current, res, attempt), `HTTP ${res.statusCode}`);
        continue;
      }
      return Object.assign(res, { url: current });
    }
  }

  /** Delay before the next attempt: the server's Retry-After when it gives one, else backoff. */
  retryDelay(url: string, res: HttpResponse, attempt: number): number {
    const after = parseRetryAfter(res.headers['retry-after']);
    if (after === undefined) return backoffMs(this.retry, attempt);
    if (after > this.retry.maxRetryAfterMs) {
      throw new AirlockError('FETCH_FAILED', `${url}: server asks to retry after ${Math.round(after / 1000)} s`, {
        hint: 'try again later, or raise --max-retry-after',
        data: { url, status: res.statusCode },
      });
    }
    return after;
  }

  async wait(url: string, attempt: number, waitMs: number, reason: string): Promise<void> {
    this.opts.onRetry?.({ url, attempt, waitMs, reason });
    await sleep(waitMs);
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** TLS verification failures (OpenSSL's codes as Node reports them): persistent, and fixed by trusting a CA. */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function networkError(url: string, err: unknown): AirlockError {
  const code = (err as { code?: string }).code;
  const message = (err as Error).message;
  const detail = code && !message.includes(code) ? `${code} ${message}` : message;
  const viaProxy = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((v) => process.env[v]);
  return new AirlockError('FETCH_FAILED', `${url}: ${detail}`.replace(/\s+/g, ' ').trim(), {
    hint:
      code === 'ENOTFOUND' && !viaProxy
        ? 'the name does not resolve here: check the URL and DNS, or set HTTPS_PROXY (and NO_PROXY) if this machine reaches the internet through a proxy'
        : code && UNTRUSTED_CERTIFICATE.has(code)
          ? 'the server’s certificate is not trusted here: if an internal CA or a TLS-inspecting proxy signs it, give that CA with NODE_EXTRA_CA_CERTS=/path/ca.pem'
          : 'check the URL and the network or proxy settings; rerun to resume',
    data: { url, cause: code },
    cause: err,
  });
}

export function httpError(url: string, status: number): AirlockError {
  return new AirlockError('FETCH_FAILED', `${url}: HTTP ${status}`, {
    hint: status === 404 ? 'check the URL or version in the manifest' : status === 401 || status === 403 ? 'check the credentials' : 'rerun later',
    data: { url, status },
  });
}
