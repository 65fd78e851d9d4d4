// `airlock pack`: every blob the store's artifacts need (minus what a receipt says the other side has)
// into chunk files, then the TOC and its signature. The layout is planned first, so chunks are written
// in parallel by the I/O workers, each hashed once as it is written. bundle.json is written last: its
// presence marks a complete bundle, and a rerun after an interruption starts the directory over.
import { randomUUID, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSize } from '../core/units.js';
import { AirlockError } from '../core/errors.js';
import type { Progress } from '../collect/progress.js';
import { Store } from '../store/store.js';
import { commitRename, tempNameFor, writeFileAtomic } from '../store/atomic-file.js';
import { TOOL_VERSION } from '../core/version.js';
import { IoPool } from './io-pool.js';
import { planLayout, type PlannedEntry } from './layout.js';
import { highestSequence, readReceipt, type Receipt } from './receipt.js';
import { claimSequence } from './sequence.js';
import { signBytes } from './signing.js';
import { storeRuntime, type RuntimeBlob } from './self/runtime.js';
import { BOOTSTRAP_FILE, BOOTSTRAP_SH, SELF_INDEX_FILE, selfIndex } from './self/bootstrap.js';
import { writeSums } from './sums.js';
import { BUNDLE_FORMAT, chunkFileName, MIN_CHUNK_SIZE, SIG_FILE, TOC_FILE, type Toc } from './toc.js';

export interface PackOptions {
  storeDir: string;
  outDir: string;
  chunkSize: number;
  privateKey?: KeyObject;
  sinceReceipt?: string;
  /** Carry airlock's own runtime for this target (`linux/amd64`) and bootstrap.sh. */
  self?: { target: string };
  progress: Progress;
}

export interface PackSummary {
  id: string;
  sequence: number;
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
    throw new AirlockError('USAGE', `--chunk-size must be at least ${formatSize(MIN_CHUNK_SIZE)}`, { hint: 'the default, 4GB (4,000,000,000 bytes), fits FAT32' });
  }
  const store = await Store.open(opts.storeDir);
  try {
    const since = opts.sinceReceipt ? await readReceipt(opts.sinceReceipt) : undefined;
    const have = new Set(since?.blobs ?? []);
    const entries = store.find();
    const wanted = new Set<string>();
    for (const { record, recordDigest } of entries) {
      for (const b of record.blobs) wanted.add(b.digest);
      wanted.add(recordDigest);
    }
    const blobs = [];
    const runtime = opts.self ? await storeRuntime(store, opts.self.target) : undefined;
    if (runtime) {
      blobs.push({ digest: runtime.digest, size: runtime.size });
      have.delete(runtime.digest);
      wanted.delete(runtime.digest);
    }
    for (const digest of wanted) {
      if (have.has(digest)) continue;
      const st = await stat(store.paths.blob(digest)).catch(() => undefined);
      if (!st) throw new AirlockError('STORE_CORRUPT', `blob ${digest} is missing from the store`, { hint: 'run `airlock store fsck`, then collect again' });
      blobs.push({ digest, size: st.size });
    }
    await prepareOutDir(opts.outDir);
    const layout = planLayout(blobs, opts.chunkSize);
    const chunks = await writeChunks(store, layout.chunks, opts);
    const extra = runtime ? await writeBootstrap(opts.outDir, runtime, layout.blobs) : [];
    const sums = await writeSums(opts.outDir, chunks, extra);
    const lock = existsSync(store.paths.lockCopy) ? JSON.parse(await readFile(store.paths.lockCopy, 'utf8')) : null;
    const id = randomUUID();
    const created = new Date().toISOString();
    const sequence = await claimSequence(store.paths.packedDir, since ? highestSequence(since) : 0, { id, created, out: opts.outDir, ...(since ? { since: since.id } : {}) });
    const toc: Toc = {
      format: BUNDLE_FORMAT,
      id,
      sequence,
      created,
      tool: TOOL_VERSION,
      ...(since ? { since: sinceOf(since) } : {}),
      lock,
      chunks,
      blobs: layout.blobs,
      artifacts: entries.map((e) => e.recordDigest),
      totals: { blobs: blobs.length, bytes: blobs.reduce((n, b) => n + b.size, 0) },
      sums,
      ...(runtime ? { self: { target: runtime.target, node: runtime.node, runtime: runtime.digest } } : {}),
    };
    const tocBytes = Buffer.from(JSON.stringify(toc, null, 1) + '\n');
    if (opts.privateKey) await writeFileAtomic(join(opts.outDir, SIG_FILE), JSON.stringify(signBytes(tocBytes, opts.privateKey)) + '\n');
    await writeFileAtomic(join(opts.outDir, TOC_FILE), tocBytes);
    return {
      id: toc.id,
      sequence,
      dir: opts.outDir,
      chunks: chunks.length,
      blobs: blobs.length,
      bytes: toc.totals.bytes,
      skipped: wanted.size - (blobs.length - (runtime ? 1 : 0)),
      signed: !!opts.privateKey,
      durationMs: Date.now() - started,
    };
  } finally {
    opts.progress.finish();
    store.close();
  }
}

/** bootstrap.sh and self.txt (where the runtime's bytes are); returns their names, for SHA256SUMS. */
async function writeBootstrap(dir: string, runtime: RuntimeBlob, blobs: Toc['blobs']): Promise<string[]> {
  const parts = blobs.find((b) => b.digest === runtime.digest)!.parts.map((p) => ({ file: chunkFileName(p.chunk), offset: p.offset, size: p.size }));
  await writeFileAtomic(join(dir, SELF_INDEX_FILE), selfIndex(runtime, parts));
  await writeFileAtomic(join(dir, BOOTSTRAP_FILE), BOOTSTRAP_SH, 0o755);
  return [BOOTSTRAP_FILE, SELF_INDEX_FILE];
}

/** A delta names the receipt it was packed against and that receipt's last bundle: the one to load first. */
function sinceOf(receipt: Receipt): NonNullable<Toc['since']> {
  const last = receipt.loaded?.[receipt.loaded.length - 1];
  const bundle = last ? { id: last.id, ...(last.sequence ? { sequence: last.sequence } : {}), created: last.created } : undefined;
  return { receipt: receipt.id, blobs: receipt.blobs.length, ...(bundle ? { bundle } : {}) };
}

async function prepareOutDir(dir: string): Promise<void> {
  if (existsSync(join(dir, TOC_FILE))) {
    throw new AirlockError('USAGE', `${dir} already holds a bundle`, { hint: 'choose an empty --out directory, or remove the old bundle first' });
  }
  await mkdir(dir, { recursive: true });
  // Leftovers of an interrupted pack (no bundle.json yet): start over.
  for (const name of await readdir(dir)) {
    if (/^(chunk-\d{5}\.tar|\..*\.tmp|bundle\.json\.sig|SHA256SUMS|self\.txt|bootstrap\.sh)$/.test(name)) await rm(join(dir, name), { force: true });
    else throw new AirlockError('USAGE', `${dir} is not empty (found ${name})`, { hint: 'choose an empty --out directory' });
  }
}

async function writeChunks(store: Store, planned: PlannedEntry[][], opts: PackOptions): Promise<Toc['chunks']> {
  const pool = new IoPool();
  const temps: string[] = [];
  try {
    return await Promise.all(
      planned.map(async (entries, i) => {
        const file = chunkFileName(i);
        const target = join(opts.outDir, file);
        const temp = tempNameFor(target);
        temps.push(temp);
        opts.progress.start(file);
        const r = await pool.run({ op: 'writeChunk', dest: temp, entries: entries.map((e) => ({ name: e.name, src: store.paths.blob(e.digest), start: e.start, size: e.size })) });
        await commitRename(temp, target);
        opts.progress.done(file, 'written');
        return { file, size: r.size!, sha256: r.hex! };
      }),
    );
  } finally {
    await pool.close();
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}
