// `airlock load`: check the signature, then stream the chunks that hold missing blobs straight into the
// store (each blob verified against its digest as it streams), register the artifacts, write a receipt.
// Idempotent: blobs already present are skipped, so a rerun after kill -9 finishes the job.
import { join } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { parseDigest } from '../core/digest.js';
import type { Progress } from '../collect/progress.js';
import { Store } from '../store/store.js';
import { tempNameFor } from '../store/atomic-file.js';
import { VerifiedWriter } from '../store/verified-writer.js';
import { writeLock } from '../config/lock.js';
import { checkChunkFiles, openBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';
import { indexParts, readChunk, type ExpectedPart } from './chunk-reader.js';
import { makeReceipt, previousBundles, writeReceipt } from './receipt.js';
import type { Toc } from './toc.js';

export interface LoadOptions extends TrustOptions {
  bundleDir: string;
  storeDir: string;
  /** Also write the receipt here (it is always written to <store>/receipt.json). */
  receiptFile?: string;
  progress: Progress;
}

export interface LoadSummary {
  id: string;
  signature: SignatureStatus;
  blobs: { loaded: number; present: number };
  bytesLoaded: number;
  artifacts: number;
  receipt: string;
  durationMs: number;
}

export async function load(opts: LoadOptions): Promise<LoadSummary> {
  const started = Date.now();
  const { toc, signature } = await openBundle(opts.bundleDir, opts);
  const store = await Store.open(opts.storeDir, { create: true });
  try {
    const missing = new Set<string>();
    for (const b of toc.blobs) if (!(await store.blobs.stat(b.digest))) missing.add(b.digest);
    const chunksNeeded = new Set(toc.blobs.filter((b) => missing.has(b.digest)).flatMap((b) => b.parts.map((p) => p.chunk)));
    const bad = await checkChunkFiles(opts.bundleDir, toc, chunksNeeded);
    if (bad.length > 0) {
      throw new AirlockError('BUNDLE_INVALID', `chunk ${bad[0]!.file} is ${bad[0]!.problem}`, { hint: 'copy the bundle again from its medium, then run `airlock verify`', data: { bad } });
    }
    const bytesLoaded = await loadChunks(store, toc, opts, missing, chunksNeeded);
    const artifacts = await registerArtifacts(store, toc);
    if (toc.lock) await writeLock(store.paths.lockCopy, toc.lock as never);
    const receipt = await makeReceipt(store, [...(await previousBundles(store.paths.receipt)), toc.id]);
    await writeReceipt(store.paths.receipt, receipt);
    if (opts.receiptFile) await writeReceipt(opts.receiptFile, receipt);
    return {
      id: toc.id,
      signature,
      blobs: { loaded: missing.size, present: toc.blobs.length - missing.size },
      bytesLoaded,
      artifacts,
      receipt: opts.receiptFile ?? store.paths.receipt,
      durationMs: Date.now() - started,
    };
  } finally {
    opts.progress.finish();
    store.close();
  }
}

async function loadChunks(store: Store, toc: Toc, opts: LoadOptions, missing: Set<string>, needed: Set<number>): Promise<number> {
  const parts = indexParts(toc);
  // Blobs split across chunks are assembled in a temp file; chunks are read in order.
  const assembling = new Map<string, VerifiedWriter>();
  let bytes = 0;
  try {
    for (const [i, chunk] of toc.chunks.entries()) {
      if (!needed.has(i)) continue;
      opts.progress.start(chunk.file, chunk.size);
      await readChunk(join(opts.bundleDir, chunk.file), i, parts, async ({ blob, part }: ExpectedPart, stream: AsyncIterable<Buffer>) => {
        const size = blob.parts[part]!.size;
        opts.progress.advance(chunk.file, size);
        if (!missing.has(blob.digest)) {
          for await (const _ of stream) void _;
          return;
        }
        const chunkFiles = [...new Set(blob.parts.map((p) => toc.chunks[p.chunk]!.file))].join(', ');
        const source = `${chunkFiles} (${blob.digest})`;
        bytes += size;
        if (blob.parts.length === 1) {
          await store.blobs.ingest(stream, { digest: blob.digest, size: blob.size, source });
          return;
        }
        let writer = assembling.get(blob.digest);
        if (!writer) {
          writer = await VerifiedWriter.open(tempNameFor('assemble', store.paths.tmpDir), parseDigest(blob.digest).algorithm);
          assembling.set(blob.digest, writer);
        }
        await writer.writeAll(stream);
        if (part === blob.parts.length - 1) {
          assembling.delete(blob.digest);
          await store.blobs.adopt(writer, { digest: blob.digest, size: blob.size, source });
        }
      });
      opts.progress.done(chunk.file, 'loaded');
    }
  } finally {
    for (const writer of assembling.values()) await writer.discard();
  }
  return bytes;
}

async function registerArtifacts(store: Store, toc: Toc): Promise<number> {
  const known = store.catalog.recordDigests();
  for (const recordDigest of toc.artifacts) {
    if (known.has(recordDigest)) continue;
    const record = await store.readRecord(recordDigest).catch(() => undefined);
    if (!record) throw incomplete(`artifact record ${recordDigest}`, toc);
    for (const b of record.blobs) {
      if (!(await store.blobs.stat(b.digest))) throw incomplete(`blob ${b.digest} of ${record.kind} ${record.name}`, toc);
    }
    await store.addArtifact(record);
  }
  return toc.artifacts.length;
}

function incomplete(what: string, toc: Toc): AirlockError {
  return new AirlockError('BUNDLE_INCOMPLETE', `the store lacks ${what}, and the bundle does not carry it`, {
    hint: toc.since ? `this is a delta bundle (since receipt ${toc.since.receipt}): load the earlier bundles into this store first` : 'pack the bundle again',
  });
}
