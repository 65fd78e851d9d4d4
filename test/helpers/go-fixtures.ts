// Go module fixtures written offline: module zips (a small zip writer over node:zlib), and a GOPROXY
// tree `<escaped path>/@v/{list,V.info,V.mod,V.zip}` that a static HTTP server can serve as an upstream.
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface FixtureModule {
  path: string;
  version: string;
  /** The go directive; undefined writes none (an old, unpruned module). */
  go?: string;
  requires?: string[];
  /** File name (relative to the module root) → content. */
  files: Record<string, string>;
}

/** Go's case-encoding, written independently of the code under test. */
export const esc = (s: string) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

export function goModText(m: Pick<FixtureModule, 'path' | 'go' | 'requires'>): string {
  const lines = [`module ${m.path}`, ''];
  if (m.go) lines.push(`go ${m.go}`, '');
  if (m.requires?.length) lines.push('require (', ...m.requires.map((r) => `\t${r.replace('@', ' ')}`), ')');
  return lines.join('\n') + '\n';
}

/** A zip with deflated entries and a central directory, as archive/zip writes it. */
export function makeZip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The files of a module zip: name (under path@version/) → content. */
export function moduleEntries(m: FixtureModule): Record<string, string> {
  const prefix = `${m.path}@${m.version}/`;
  const entries: Record<string, string> = { [`${prefix}go.mod`]: goModText(m) };
  for (const [name, content] of Object.entries(m.files)) entries[prefix + name] = content;
  return entries;
}

export const moduleZip = (m: FixtureModule): Buffer => makeZip(moduleEntries(m));

/** Write modules into a GOPROXY tree under `root`; returns root. */
export function writeProxyTree(root: string, modules: FixtureModule[]): string {
  const lists = new Map<string, string[]>();
  for (const m of modules) {
    const dir = join(root, esc(m.path), '@v');
    mkdirSync(dir, { recursive: true });
    const v = esc(m.version);
    writeFileSync(join(dir, `${v}.info`), JSON.stringify({ Version: m.version, Time: '2024-01-02T03:04:05Z' }));
    writeFileSync(join(dir, `${v}.mod`), goModText(m));
    writeFileSync(join(dir, `${v}.zip`), moduleZip(m));
    lists.set(dir, [...(lists.get(dir) ?? []), m.version]);
  }
  for (const [dir, versions] of lists) writeFileSync(join(dir, 'list'), versions.map((v) => `${v}\n`).join(''));
  return root;
}

/** A static file server over a proxy tree (the upstream GOPROXY), counting requests per path. */
export async function serveTree(root: string, extra?: (path: string) => Buffer | undefined): Promise<{ url: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const generated = extra?.(path);
    if (generated) {
      res.writeHead(200, { 'content-length': generated.length }).end(generated);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}
