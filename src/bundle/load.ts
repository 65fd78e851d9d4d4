// `airlock load`: check the signature, then copy each missing blob from its place in the chunks (the
// TOC gives chunk and offset) straight into the store, hashing as it copies and committing only on a
// digest match; then register the artifacts and write a receipt. Blobs already present are skipped,
// so it is idempotent and a rerun after kill -9 finishes the job. No chunk is unpacked anywhere else.
import { join } from 'node:path';
import { AirlockError, isAirlockError } from '../core/errors.js';
import { parseDigest, type Digest } from '../core/digest.js';
import type { Progress } from '../collect/progress.js';
import { Store } from '../store/store.js';
import { rm } from 'node:fs/promises';
import { tempNameFor } from '../store/atomic-file.js';
import { writeLock } from '../config/lock.js';
import { KINDS } from '../kinds/registry.js';
import { checkChunkFiles, openBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';
import { IoPool } from './io-pool.js';
import { makeReceipt, previousBundles, writeReceipt } from './receipt.js';
import { entryName, type Toc } from './toc.js';

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
    opts.progress.start('load', toc.blobs.filter((b) => missing.has(b.digest)).reduce((n, b) => n + b.size, 0));
    const bytesLoaded = await loadBlobs(store, toc, opts, missing);
    opts.progress.done('load', 'blobs');
    const artifacts = await registerArtifacts(store, toc);
    for (const kind of KINDS) await kind.publish?.(store);
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

/** Extract every missing blob straight from its chunk(s) into the store, in parallel, each verified. */
async function loadBlobs(store: Store, toc: Toc, opts: LoadOptions, missing: Set<string>): Promise<number> {
  const pool = new IoPool();
  const temps = new Set<string>();
  let bytes = 0;
  try {
    await Promise.all(
      toc.blobs
        .filter((b) => missing.has(b.digest))
        .map(async (blob) => {
          const files = blob.parts.map((p) => toc.chunks[p.chunk]!.file);
          const temp = tempNameFor('load', store.paths.tmpDir);
          temps.add(temp);
          const result = await pool.run({
            op: 'extractBlob',
            dest: temp,
            algorithm: parseDigest(blob.digest).algorithm,
            parts: blob.parts.map((p, i) => ({ file: join(opts.bundleDir, files[i]!), offset: p.offset, size: p.size, name: entryName(blob.digest, blob.parts.length > 1 ? i : undefined) })),
          });
          if (result.refused !== undefined) {
            throw new AirlockError('UNSAFE_PATH', `${files[0]}: ${result.refused}; refused`, { hint: 'this chunk was not written by airlock pack or was altered: do not load it' });
          }
          const actual = { digest: `${parseDigest(blob.digest).algorithm}:${result.hex}` as Digest, size: result.size };
          await store.blobs.adoptFile(temp, actual, { digest: blob.digest, size: blob.size, source: `${[...new Set(files)].join(', ')} (${blob.digest})` }).catch(badChunk);
          temps.delete(temp);
          bytes += blob.size;
          opts.progress.advance('load', blob.size);
        }),
    );
  } finally {
    await pool.close();
    await Promise.all([...temps].map((t) => rm(t, { force: true })));
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

/** A blob that does not match the TOC is a damaged chunk: the bundle is invalid, as `verify` says (exit 7, not 4). */
function badChunk(err: unknown): never {
  if (!isAirlockError(err, 'DIGEST_MISMATCH') && !isAirlockError(err, 'SIZE_MISMATCH')) throw err;
  throw new AirlockError('BUNDLE_INVALID', err.message, { hint: 'copy the bundle again from its medium, then run `airlock verify`', data: err.data, cause: err });
}

function incomplete(what: string, toc: Toc): AirlockError {
  return new AirlockError('BUNDLE_INCOMPLETE', `the store lacks ${what}, and the bundle does not carry it`, {
    hint: toc.since ? `this is a delta bundle (since receipt ${toc.since.receipt}): load the earlier bundles into this store first` : 'pack the bundle again',
  });
}
