// `airlock load`: check the signature, then copy each missing blob from its place in the chunks (the
// TOC gives chunk and offset) straight into the store, hashing as it copies and committing only on a
// digest match; then register the artifacts and write a receipt. Blobs already present are skipped,
// so it is idempotent and a rerun after kill -9 finishes the job. No chunk is unpacked anywhere else.
// Before any of that: the bundle must be newer than what the store loaded (freshness.ts), a delta must
// find its base, and every byte of the chunks that is not blob data must be as pack writes it; a store
// that does not exist yet is created only once all of this holds.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AirlockError, isAirlockError } from '../core/errors.js';
import { count, formatSize } from '../core/units.js';
import { parseDigest, type Digest } from '../core/digest.js';
import type { Progress } from '../collect/progress.js';
import { Store } from '../store/store.js';
import { StorePaths } from '../store/paths.js';
import { rm } from 'node:fs/promises';
import { tempNameFor } from '../store/atomic-file.js';
import { writeLock } from '../config/lock.js';
import { KINDS } from '../kinds/registry.js';
import { checkChunkFiles, openBundle, type OpenedBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';
import { IoPool } from './io-pool.js';
import { chunkEntries } from './layout.js';
import { checkFreshness, historyEntry, type Freshness } from './freshness.js';
import { loadHistory, makeReceipt, writeReceipt } from './receipt.js';
import { describeBundle, entryName, type Toc } from './toc.js';

export interface LoadOptions extends TrustOptions {
  bundleDir: string;
  storeDir: string;
  /** Also write the receipt here (it is always written to <store>/receipt.json). */
  receiptFile?: string;
  /** Load a bundle older than (or unordered against) what the store loaded: a deliberate rollback. */
  allowDowngrade?: boolean;
  progress: Progress;
}

export interface LoadSummary {
  id: string;
  sequence?: number;
  created: string;
  signature: SignatureStatus;
  /** new, same (the newest bundle loaded again: a resume), or downgrade (--allow-downgrade was needed). */
  freshness: Freshness;
  blobs: { loaded: number; present: number };
  bytesLoaded: number;
  artifacts: number;
  receipt: string;
  durationMs: number;
}

export async function load(opts: LoadOptions): Promise<LoadSummary> {
  const started = Date.now();
  const bundle = await openBundle(opts.bundleDir, opts);
  const { toc } = bundle;
  const paths = new StorePaths(resolve(opts.storeDir));
  checkFreshness({ ...bundle, history: await loadHistory(paths.receipt), allowDowngrade: opts.allowDowngrade });
  const exists = existsSync(paths.layoutFile);
  if (toc.since && !exists) throw incomplete(`${paths.root} lacks the content this delta builds on (there is no store there)`, toc);
  const pool = new IoPool();
  let store: Store | undefined;
  try {
    if (exists) store = await Store.open(opts.storeDir);
    const missing = await missingBlobs(store, toc);
    await checkRecords(store, toc);
    await checkChunks(pool, opts.bundleDir, toc, missing);
    // Created only now that the bundle can go into it: a stale, broken or baseless bundle leaves no store.
    store ??= await Store.open(opts.storeDir, { create: true });
    const total = toc.blobs.filter((b) => missing.has(b.digest)).reduce((n, b) => n + b.size, 0);
    const label = `${count(missing.size, 'blob')}, ${formatSize(total)}`;
    opts.progress.start(label, total);
    const bytesLoaded = await loadBlobs(pool, store, toc, opts, missing, label);
    opts.progress.done(label, 'loaded');
    // Again, now: a load of a newer bundle may have finished in parallel while this one copied blobs.
    const history = await loadHistory(paths.receipt);
    const freshness = checkFreshness({ ...bundle, history, allowDowngrade: opts.allowDowngrade });
    const artifacts = await registerArtifacts(store, toc);
    for (const kind of KINDS) await kind.publish?.(store);
    if (toc.lock) await writeLock(store.paths.lockCopy, toc.lock as never);
    const receipt = await makeReceipt(store, withEntry(history, historyEntry(toc, bundle.keyId, freshness, history)));
    await writeReceipt(store.paths.receipt, receipt);
    if (opts.receiptFile) await writeReceipt(opts.receiptFile, receipt);
    const blobs = { loaded: missing.size, present: toc.blobs.length - missing.size };
    return { ...about(bundle), freshness, blobs, bytesLoaded, artifacts, receipt: opts.receiptFile ?? store.paths.receipt, durationMs: Date.now() - started };
  } finally {
    opts.progress.finish();
    await pool.close();
    store?.close();
  }
}

function withEntry<T>(list: T[], entry: T | undefined): T[] {
  return entry ? [...list, entry] : list;
}

function about({ toc, signature }: OpenedBundle): Pick<LoadSummary, 'id' | 'sequence' | 'created' | 'signature'> {
  return { id: toc.id, ...(toc.sequence ? { sequence: toc.sequence } : {}), created: toc.created, signature };
}

async function missingBlobs(store: Store | undefined, toc: Toc): Promise<Set<string>> {
  const missing = new Set<string>();
  for (const b of toc.blobs) if (!(await store?.blobs.stat(b.digest))) missing.add(b.digest);
  return missing;
}

/** Every artifact record must be in the bundle or the store: a delta onto the wrong store fails here, before any copying. */
async function checkRecords(store: Store | undefined, toc: Toc): Promise<void> {
  const carried = new Set(toc.blobs.map((b) => b.digest));
  for (const digest of toc.artifacts) {
    if (!carried.has(digest) && !(await store?.blobs.stat(digest))) throw incomplete(`the store lacks artifact record ${digest}`, toc);
  }
}

/** The chunks to read exist with their sizes, and every byte of them that is not blob data is as pack writes it. */
async function checkChunks(pool: IoPool, dir: string, toc: Toc, missing: Set<string>): Promise<void> {
  const needed = new Set(toc.blobs.filter((b) => missing.has(b.digest)).flatMap((b) => b.parts.map((p) => p.chunk)));
  const bad = await checkChunkFiles(dir, toc, needed);
  if (bad.length > 0) {
    throw new AirlockError('BUNDLE_INVALID', `chunk ${bad[0]!.file} is ${bad[0]!.problem}`, { hint: 'copy the bundle again from its medium, then run `airlock verify`', data: { bad } });
  }
  const entries = chunkEntries(toc);
  await Promise.all(
    [...needed].map(async (i) => {
      const { file, size } = toc.chunks[i]!;
      const r = await pool.run({ op: 'checkFrame', path: join(dir, file), frame: { entries: entries[i]!, size } });
      if (r.refused !== undefined) throw new AirlockError('UNSAFE_PATH', `${file}: ${r.refused}; refused`, { hint: 'this chunk was not written by airlock pack or was altered: do not load it' });
    }),
  );
}

/** Extract every missing blob straight from its chunk(s) into the store, in parallel, each verified. */
async function loadBlobs(pool: IoPool, store: Store, toc: Toc, opts: LoadOptions, missing: Set<string>, label: string): Promise<number> {
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
          opts.progress.advance(label, blob.size);
        }),
    );
  } finally {
    await Promise.all([...temps].map((t) => rm(t, { force: true })));
  }
  return bytes;
}

async function registerArtifacts(store: Store, toc: Toc): Promise<number> {
  const known = store.catalog.recordDigests();
  for (const recordDigest of toc.artifacts) {
    if (known.has(recordDigest)) continue;
    const record = await store.readRecord(recordDigest).catch(() => undefined);
    if (!record) throw incomplete(`the store lacks artifact record ${recordDigest}`, toc);
    for (const b of record.blobs) {
      if (!(await store.blobs.stat(b.digest))) throw incomplete(`the store lacks blob ${b.digest} of ${record.kind} ${record.name}`, toc);
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

function incomplete(problem: string, toc: Toc): AirlockError {
  const base = toc.since?.bundle;
  if (base) {
    return new AirlockError('BUNDLE_INCOMPLETE', `${problem}, and this delta carries only what ${describeBundle(base)} left out`, {
      hint: `load bundle ${base.id} (and the earlier bundles it builds on) into this store first, then this one`,
      data: { base },
    });
  }
  return new AirlockError('BUNDLE_INCOMPLETE', `${problem}, and the bundle does not carry it`, {
    hint: toc.since ? `this is a delta bundle (since receipt ${toc.since.receipt}): load the earlier bundles into this store first` : 'pack the bundle again',
  });
}
