// Module zips: read the central directory, stream each file (stored or deflated) and compute Go's
// go.sum hash, "h1:" + base64(sha256 of the sorted lines "<sha256 hex>  <name>\n", one per zip entry)
// (golang.org/x/mod/sumdb/dirhash Hash1). Hand-written: no zip package is a dependency, and reading a
// zip's directory plus inflating with node:zlib is all this needs. Zip64 archives are refused: Go caps
// module zips at 500 MiB and writes plain zips.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/** Go's cap on a module's unpacked size (golang.org/x/mod/zip MaxZipFile). */
export const MAX_UNZIPPED = 500 << 20;

export interface RandomAccess {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  close?(): Promise<void>;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export const bufferAccess = (buf: Buffer): RandomAccess => ({ size: buf.length, read: async (p, n) => buf.subarray(p, p + n) });

export async function fileAccess(path: string): Promise<RandomAccess> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    read: async (position, length) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}

export class ZipError extends Error {}

export async function zipEntries(zip: RandomAccess): Promise<ZipEntry[]> {
  const tailLen = Math.min(zip.size, 22 + 0xffff);
  const tail = await zip.read(zip.size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new ZipError('not a zip file (no end of central directory)');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipError('zip64 archives are not supported');
  if (dirOffset + dirSize > zip.size) throw new ZipError('central directory lies outside the file');
  const dir = await zip.read(dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  for (let p = 0, i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw new ZipError('damaged central directory');
    const nameLen = dir.readUInt16LE(p + 28);
    const skip = nameLen + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    entries.push({
      name: dir.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      localOffset: dir.readUInt32LE(p + 42),
    });
    p += 46 + skip;
  }
  return entries;
}

/** The uncompressed bytes of one entry, chunk by chunk. */
export async function* entryData(zip: RandomAccess, e: ZipEntry): AsyncGenerator<Buffer> {
  const head = await zip.read(e.localOffset, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) throw new ZipError(`${e.name}: damaged local header`);
  const start = e.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  if (start + e.compressedSize > zip.size) throw new ZipError(`${e.name}: data lies outside the file`);
  async function* raw(): AsyncGenerator<Buffer> {
    for (let p = 0; p < e.compressedSize; p += 1 << 16) yield zip.read(start + p, Math.min(1 << 16, e.compressedSize - p));
  }
  if (e.method === 0) return yield* raw();
  if (e.method !== 8) throw new ZipError(`${e.name}: compression method ${e.method} is not supported (Go writes stored or deflate)`);
  const inflate = createInflateRaw();
  const feed = (async () => {
    for await (const chunk of raw()) {
      if (inflate.destroyed) return; // the reader stopped early (a size limit): stop feeding
      if (!inflate.write(chunk)) await new Promise((r) => (inflate.once('drain', r), inflate.once('close', r)));
    }
    inflate.end();
  })();
  feed.catch((err: Error) => inflate.destroy(err));
  for await (const chunk of inflate) yield chunk as Buffer;
  await feed;
}

export async function readEntry(zip: RandomAccess, e: ZipEntry, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of entryData(zip, e)) {
    if ((n += chunk.length) > limit) throw new ZipError(`${e.name}: larger than ${limit} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Go's dirhash Hash1 of a module zip: what go.sum records as `<module> <version> h1:…`. */
export async function hashZip(zip: RandomAccess, entries: ZipEntry[]): Promise<string> {
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > MAX_UNZIPPED) throw new ZipError(`unpacks to ${total} bytes, over Go's limit of ${MAX_UNZIPPED}`);
  const lines: string[] = [];
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.includes('\n')) throw new ZipError(`entry name ${JSON.stringify(e.name)} contains a newline`);
    const h = createHash('sha256');
    let n = 0;
    for await (const chunk of entryData(zip, e)) {
      // Stop a zip bomb at its declared size instead of inflating it all.
      if ((n += chunk.length) > e.size) throw new ZipError(`${e.name}: inflates past the ${e.size} bytes the directory says`);
      h.update(chunk);
    }
    if (n !== e.size) throw new ZipError(`${e.name}: ${n} bytes where the directory says ${e.size}`);
    lines.push(`${h.digest('hex')}  ${e.name}\n`);
  }
  return `h1:${createHash('sha256').update(lines.join('')).digest('base64')}`;
}

/** The go.sum hash of a go.mod file: Hash1 over the single file "go.mod". */
export function hashMod(mod: Buffer): string {
  const line = `${createHash('sha256').update(mod).digest('hex')}  go.mod\n`;
  return `h1:${createHash('sha256').update(line).digest('base64')}`;
}
