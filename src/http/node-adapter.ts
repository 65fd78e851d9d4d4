// The one place that touches node:http: turns IncomingMessage into HttpRequest, runs the app, writes
// the HttpResponse (streaming files and readables with backpressure), and shuts down gracefully.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { AirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { App } from './app.js';
import { prefixLabel } from './metrics.js';
import { isFileBody, type HttpRequest, type HttpResponse } from './route.js';

export interface Listening {
  server: Server;
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
}

export async function listen(app: App, opts: ListenOptions): Promise<Listening> {
  const handler = (req: IncomingMessage, res: ServerResponse) => void serveOne(app, req, res, opts.log, opts.accessLog ?? false);
  const settings = { keepAliveTimeout: 65_000, requestTimeout: 0 };
  const server: Server = opts.tls ? createTlsServer({ ...settings, cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(settings, handler);
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
    address,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: (graceMs = 5000) => closeGracefully(server, graceMs),
  };
}

async function serveOne(app: App, req: IncomingMessage, res: ServerResponse, log: Logger, accessLog: boolean): Promise<void> {
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
    await writeResponse(res, response, request.method === 'HEAD');
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

async function writeResponse(res: ServerResponse, response: HttpResponse, head: boolean): Promise<void> {
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
    // Small bodies: one read into an exact buffer is several times cheaper per request than a stream.
    if (length <= SMALL_FILE) {
      res.end(await readRange(body.file, body.start ?? 0, length));
      return;
    }
    await sendFile(res, body.file, body.start ?? 0, body.end);
    return;
  }
  await pipeline(body as Readable, res);
}

const SMALL_FILE = 1 << 20;

async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, start);
    if (bytesRead !== length) throw new Error(`${file} is shorter than expected`);
    return buf;
  } finally {
    await handle.close();
  }
}

const SEND_CHUNK = 512 * 1024;
/** Send buffers are recycled across responses: no per-chunk allocation, flat memory under load. */
const sendBuffers: Buffer[] = [];
const takeBuffer = () => sendBuffers.pop() ?? Buffer.allocUnsafeSlow(SEND_CHUNK);
const giveBuffer = (b: Buffer) => void (sendBuffers.length < 64 && sendBuffers.push(b));

/**
 * Stream a file with two buffers: read the next chunk while the socket sends the previous one, and
 * reuse a buffer only after its write callback (the kernel has the bytes). Reads are asynchronous, so
 * a cold disk never stalls the event loop.
 */
async function sendFile(res: ServerResponse, file: string, start: number, end: number | undefined): Promise<void> {
  const handle = await open(file, 'r');
  const buffers = [takeBuffer(), takeBuffer()];
  let pending: Promise<void> = Promise.resolve();
  try {
    const last = end ?? (await handle.stat()).size - 1;
    let closed = false;
    res.once('close', () => (closed = true));
    for (let pos = start, i = 0; pos <= last; i ^= 1) {
      const buf = buffers[i]!;
      const { bytesRead } = await handle.read(buf, 0, Math.min(SEND_CHUNK, last - pos + 1), pos);
      if (bytesRead === 0) throw new Error(`${file} is shorter than expected`);
      pos += bytesRead;
      await pending;
      if (closed) throw new Error('client went away');
      const chunk = bytesRead === SEND_CHUNK ? buf : buf.subarray(0, bytesRead);
      pending = new Promise<void>((resolve, reject) => res.write(chunk, (err) => (err ? reject(err) : resolve())));
      pending.catch(() => undefined);
    }
    await pending;
    await new Promise<void>((resolve) => res.end(resolve));
    for (const b of buffers) giveBuffer(b);
  } finally {
    await handle.close();
  }
}

async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs).unref();
  await closed;
  clearTimeout(timer);
}
