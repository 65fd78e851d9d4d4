// `airlock pack`: every blob the store's artifacts need (minus what a receipt says the other side has)
// into chunk files, then the TOC and its signature. bundle.json is written last: its presence marks a
// complete bundle, and a rerun after an interruption starts the directory over.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../core/errors.js';
import type { Progress } from '../collect/progress.js';
import { Store } from '../store/store.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { TOOL_VERSION } from '../core/version.js';
import { ChunkWriter } from './chunk-writer.js';
import { readReceipt } from './receipt.js';
import { signBytes } from './signing.js';
import { BUNDLE_FORMAT, entryName, MIN_CHUNK_SIZE, SIG_FILE, TOC_FILE, type Toc, type TocBlob } from './toc.js';

export interface PackOptions {
  storeDir: string;
  outDir: string;
  chunkSize: number;
  privateKey?: KeyObject;
  sinceReceipt?: string;
  progress: Progress;
}

export interface PackSummary {
  id: string;
  dir: string;
  chunks: number;
  blobs: number;
  bytes: number;
  skipped: number;
  signed: boolean;
  durationMs: number;
}

export async function pack(opts: PackOptions): Promise<PackSummary> {
  const started = Date.now();
  if (opts.chunkSize < MIN_CHUNK_SIZE) {
    throw new AirlockError('USAGE', `--chunk-size must be at least ${MIN_CHUNK_SIZE} bytes`, { hint: 'the default is 4000000000 (fits FAT32)' });
  }
  const store = await Store.open(opts.storeDir);
  try {
    const since = opts.sinceReceipt ? await readReceipt(opts.sinceReceipt) : undefined;
    const have = new Set(since?.blobs ?? []);
    const entries = store.find();
    const wanted = new Map<string, number>();
    for (const { record, recordDigest } of entries) {
      for (const b of record.blobs) wanted.set(b.digest, b.size);
      wanted.set(recordDigest, -1);
    }
    const toPack = [...wanted.keys()].filter((d) => !have.has(d));
    await prepareOutDir(opts.outDir);
    const { chunks, blobs } = await writeChunks(store, toPack, opts);
    const lock = existsSync(store.paths.lockCopy) ? JSON.parse(await readFile(store.paths.lockCopy, 'utf8')) : null;
    const toc: Toc = {
      format: BUNDLE_FORMAT,
      id: randomUUID(),
      created: new Date().toISOString(),
      tool: TOOL_VERSION,
      ...(since ? { since: { receipt: since.id, blobs: since.blobs.length } } : {}),
      lock,
      chunks,
      blobs,
      artifacts: entries.map((e) => e.recordDigest),
      totals: { blobs: blobs.length, bytes: blobs.reduce((n, b) => n + b.size, 0) },
    };
    const tocBytes = Buffer.from(JSON.stringify(toc, null, 1) + '\n');
    if (opts.privateKey) await writeFileAtomic(join(opts.outDir, SIG_FILE), JSON.stringify(signBytes(tocBytes, opts.privateKey)) + '\n');
    await writeFileAtomic(join(opts.outDir, TOC_FILE), tocBytes);
    return {
      id: toc.id,
      dir: opts.outDir,
      chunks: chunks.length,
      blobs: blobs.length,
      bytes: toc.totals.bytes,
      skipped: wanted.size - toPack.length,
      signed: !!opts.privateKey,
      durationMs: Date.now() - started,
    };
  } finally {
    opts.progress.finish();
    store.close();
  }
}

async function prepareOutDir(dir: string): Promise<void> {
  if (existsSync(join(dir, TOC_FILE))) {
    throw new AirlockError('USAGE', `${dir} already holds a bundle`, { hint: 'choose an empty --out directory, or remove the old bundle first' });
  }
  await mkdir(dir, { recursive: true });
  // Leftovers of an interrupted pack (no bundle.json yet): start over.
  for (const name of await readdir(dir)) {
    if (/^(chunk-\d{5}\.tar|\..*\.tmp|bundle\.json\.sig)$/.test(name)) await rm(join(dir, name), { force: true });
    else throw new AirlockError('USAGE', `${dir} is not empty (found ${name})`, { hint: 'choose an empty --out directory' });
  }
}

async function writeChunks(store: Store, digests: string[], opts: PackOptions): Promise<{ chunks: Toc['chunks']; blobs: TocBlob[] }> {
  const chunks: Toc['chunks'] = [];
  const blobs: TocBlob[] = [];
  let writer = ChunkWriter.create(opts.outDir, 0);
  const label = 'pack';
  opts.progress.start(label);
  try {
    for (const digest of digests) {
      const path = store.paths.blob(digest);
      const size = (await stat(path).catch(() => undefined))?.size;
      if (size === undefined) {
        throw new AirlockError('STORE_CORRUPT', `blob ${digest} is missing from the store`, { hint: 'run `airlock store fsck`, then collect again' });
      }
      const entry: TocBlob = { digest, size, parts: [] };
      let done = 0;
      do {
        let room = writer.room(opts.chunkSize);
        // Chunks are filled densely: a blob that does not fit the rest of a chunk is split, unless so
        // little room is left that a part would be mostly header.
        if (room < size - done && room < Math.min(1 << 20, opts.chunkSize / 16)) {
          chunks.push(await writer.finish());
          writer = ChunkWriter.create(opts.outDir, chunks.length);
          room = writer.room(opts.chunkSize);
        }
        const partSize = Math.min(size - done, room);
        const split = entry.parts.length > 0 || partSize < size;
        const source = partSize === 0 ? Readable.from([]) : createReadStream(path, { start: done, end: done + partSize - 1, highWaterMark: 1 << 20 });
        const offset = await writer.add(entryName(digest, split ? entry.parts.length : undefined), source, partSize);
        entry.parts.push({ chunk: chunks.length, offset, size: partSize });
        done += partSize;
        opts.progress.advance(label, partSize);
      } while (done < size);
      blobs.push(entry);
    }
    if (!writer.isEmpty || chunks.length === 0) chunks.push(await writer.finish());
    opts.progress.done(label, `${chunks.length} chunks`);
    return { chunks, blobs };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
