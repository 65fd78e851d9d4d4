// The one place that touches node:http: turns IncomingMessage into HttpRequest, runs the app, writes
// the HttpResponse (streaming files and readables with backpressure), and shuts down gracefully.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { AirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { App } from './app.js';
import { prefixLabel } from './metrics.js';
import { isFileBody, type HttpRequest, type HttpResponse } from './route.js';
import { connectionMetrics, guardConnections } from './connection-guard.js';
import { effectiveLimits, type HttpLimits } from './limits.js';
import { SendPool } from './send-pool.js';
import { readRange, sendFile, SMALL_FILE } from './send-file.js';

export interface Listening {
  server: Server;
  /** The limits in force (the connection cap may be lower than configured: see connectionsForFileLimit). */
  limits: HttpLimits & { fileLimited: boolean };
  pool: SendPool;
  url: string;
  address: AddressInfo;
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  log: Logger;
  /** One log line per request (method, path, status, bytes, ms). */
  accessLog?: boolean;
  /** PEM certificate (chain) and key: serve HTTPS instead of HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Connection caps, timeouts and send buffers; defaults in limits.ts. */
  limits?: Partial<HttpLimits>;
}

export async function listen(app: App, opts: ListenOptions): Promise<Listening> {
  const limits = effectiveLimits(opts.limits ?? {});
  const pool = new SendPool(limits.sendBuffers);
  const handler = (req: IncomingMessage, res: ServerResponse) => void serveOne(app, req, res, opts.log, opts.accessLog ?? false, pool);
  // headersTimeout is only checked every connectionsCheckingInterval (30 s by default).
  const settings = { requestTimeout: 0, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.max(100, Math.min(30_000, limits.headersTimeoutMs / 4)) };
  const server: Server = opts.tls
    ? createTlsServer({ ...settings, handshakeTimeout: limits.headersTimeoutMs, cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createServer(settings, handler);
  const counts = guardConnections(server, limits, opts.log, { tls: !!opts.tls });
  app.metrics.addSource(() => connectionMetrics(counts, pool));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new AirlockError('ADDRESS_IN_USE', `${opts.host}:${opts.port} is already in use`, { hint: 'stop the other server or choose another --listen port' })
          : err,
      ),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    limits,
    pool,
    address,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: (graceMs = 5000) => closeGracefully(server, graceMs),
  };
}

async function serveOne(app: App, req: IncomingMessage, res: ServerResponse, log: Logger, accessLog: boolean, pool: SendPool): Promise<void> {
  const started = accessLog ? performance.now() : 0;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request: HttpRequest = {
    method: req.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers: req.headers,
    body: req,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
  const response = await app.handle(request);
  app.metrics.countRequest(prefixLabel(request.rawPath), response.status);
  try {
    await writeResponse(res, response, request.method === 'HEAD', pool);
  } catch (err) {
    // The client went away mid-body; nothing to answer.
    log.debug({ err, path: request.rawPath }, 'response aborted');
    res.destroy();
  }
  const bytes = request.method === 'HEAD' ? 0 : bodyLength(response);
  app.metrics.bytesSent += bytes;
  if (accessLog) {
    log.info({ method: request.method, path: request.rawPath, status: response.status, bytes, ms: Math.round(performance.now() - started), remote: request.remoteAddress, user: request.user }, 'request');
  }
}

/** Bytes of the body: its content-length (a number or a numeric string), else a string's or Buffer's length. */
function bodyLength(response: HttpResponse): number {
  const declared = Number(response.headers?.['content-length']);
  if (Number.isFinite(declared) && response.headers?.['content-length'] !== undefined) return declared;
  const body = response.body;
  return typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.byteLength(body) : 0;
}

async function writeResponse(res: ServerResponse, response: HttpResponse, head: boolean, pool: SendPool): Promise<void> {
  const body = response.body;
  const headers = { ...response.headers };
  if ((typeof body === 'string' || Buffer.isBuffer(body)) && headers['content-length'] === undefined) {
    headers['content-length'] = Buffer.byteLength(body);
  }
  res.writeHead(response.status, headers);
  if (head || body === undefined) {
    res.end();
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.end(body);
    return;
  }
  if (isFileBody(body)) {
    const length = Number(headers['content-length']);
    // Small bodies: one read into an exact buffer is cheaper per request than the send pool's round trips.
    if (length <= SMALL_FILE) {
      res.end(await readRange(body.file, body.start ?? 0, length));
      return;
    }
    await sendFile(res, pool, body.file, body.start ?? 0, body.end);
    return;
  }
  await pipeline(body as Readable, res);
}

async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs).unref();
  await closed;
  clearTimeout(timer);
}
