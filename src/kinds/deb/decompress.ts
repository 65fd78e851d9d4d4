// Packages indexes arrive as .xz (preferred: smallest) or .gz; both are decompressed as streams.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import xz from 'xz-decompress';

export const INDEX_SUFFIXES = ['.xz', '.gz', ''] as const;

export function decompressed(source: Readable, path: string): AsyncIterable<Uint8Array> {
  if (path.endsWith('.xz')) return new xz.XzReadableStream(Readable.toWeb(source) as ReadableStream<Uint8Array>) as unknown as AsyncIterable<Uint8Array>;
  if (path.endsWith('.gz')) return source.pipe(createGunzip());
  return source;
}
