// Core metadata (METADATA / PKG-INFO, RFC 822 style headers): the fields resolution needs.
import { inflateRawSync } from 'node:zlib';

export interface CoreMetadata {
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython?: string;
}

export function parseCoreMetadata(text: string): CoreMetadata {
  const headers = text.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const meta: CoreMetadata = { name: '', version: '', requiresDist: [] };
  for (const line of headers.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'name') meta.name = value;
    else if (key === 'version') meta.version = value;
    else if (key === 'requires-dist') meta.requiresDist.push(value);
    else if (key === 'requires-python') meta.requiresPython = value;
  }
  return meta;
}

/**
 * The `*.dist-info/METADATA` member of a wheel, read through the zip's central directory (the end record
 * sits in the last 64 KiB + 22 bytes). `read(offset, length)` reads bytes of the wheel, so only the
 * directory and the one member are touched.
 */
export async function wheelMetadata(size: number, read: (offset: number, length: number) => Promise<Buffer>): Promise<Buffer | undefined> {
  const tailLength = Math.min(size, 65_557);
  const tail = await read(size - tailLength, tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return undefined;
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  const dir = await read(dirOffset, dirSize);
  for (let p = 0, i = 0; i < count && dir.readUInt32LE(p) === 0x02014b50; i++) {
    const method = dir.readUInt16LE(p + 10);
    const compressed = dir.readUInt32LE(p + 20);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const local = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (!/^[^/]+\.dist-info\/METADATA$/.test(name)) continue;
    const header = await read(local, 30);
    const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = await read(start, compressed);
    return method === 8 ? inflateRawSync(data) : method === 0 ? data : undefined;
  }
  return undefined;
}
