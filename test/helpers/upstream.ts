// A local HTTP upstream for collect tests: serves in-memory files with Range support, and can misbehave
// on purpose (drop the connection mid-body, answer 429 with Retry-After, trickle bytes slowly).
// It stands at the network edge that tests may fake; it is not a protocol airlock implements.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export interface Fault {
  /** Close the socket after this many body bytes, for the next `times` requests of the path. */
  dropAfter?: number;
  /** Answer 429 with this Retry-After (seconds) for the next `times` requests. */
  status429?: number;
  times: number;
}

export interface Upstream {
  url: string;
  files: Map<string, Buffer>;
  requests: { path: string; range?: string }[];
  faults: Map<string, Fault>;
  /** Bytes per second per response (0 = unlimited). */
  throttle: number;
  add(path: string, data: Buffer): { url: string; sha256: string; size: number };
  close(): Promise<void>;
}

export function randomFile(size: number): Buffer {
  return randomBytes(size);
}

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function startUpstream(): Promise<Upstream> {
  const files = new Map<string, Buffer>();
  const faults = new Map<string, Fault>();
  const requests: Upstream['requests'] = [];
  const up: Partial<Upstream> = { files, faults, requests, throttle: 0 };
  const server: Server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: import('node:http').ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, range: req.headers.range });
    const data = files.get(path);
    if (!data) {
      res.writeHead(404).end();
      return;
    }
    const fault = faults.get(path);
    if (fault && fault.times > 0 && fault.status429 !== undefined) {
      fault.times--;
      res.writeHead(429, { 'retry-after': String(fault.status429) }).end();
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const headers: Record<string, string | number> = { etag: `"${sha256Hex(data).slice(0, 16)}"`, 'accept-ranges': 'bytes' };
    if (m && Number(m[1]) < data.length) {
      start = Number(m[1]);
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    headers['content-length'] = data.length - start;
    res.writeHead(start > 0 ? 206 : 200, headers);
    let body = data.subarray(start);
    if (fault && fault.times > 0 && fault.dropAfter !== undefined) {
      fault.times--;
      // Cut the connection once the first part has reached the kernel, so the client can hold all of it.
      res.write(body.subarray(0, fault.dropAfter), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    const rate = up.throttle!;
    if (!rate) {
      res.end(body);
      return;
    }
    const slice = Math.max(1, Math.floor(rate / 20));
    while (body.length > 0 && !res.destroyed) {
      res.write(body.subarray(0, slice));
      body = body.subarray(slice);
      await new Promise((r) => setTimeout(r, 50));
    }
    res.end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(up, {
    url: base,
    add(path: string, data: Buffer) {
      files.set(path, data);
      return { url: base + path, sha256: sha256Hex(data), size: data.length };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as Upstream;
}
