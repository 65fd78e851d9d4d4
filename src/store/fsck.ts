// fsck: check every blob against its name, every artifact against the blobs it needs, and bring the
// catalog back in line with the artifact markers (or rebuild it from scratch).
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { newHash, parseDigest, type Digest } from '../core/digest.js';
import type { Store } from './store.js';

export interface FsckOptions {
  /** Rebuild the catalog from markers and record blobs. */
  rebuild?: boolean;
  /** Skip re-hashing blobs (only check presence). */
  quick?: boolean;
  /** Delete blobs whose content does not match their name, so a rerun of load/collect restores them. */
  repair?: boolean;
  onProgress?: (done: number) => void;
}

export interface FsckReport {
  blobs: number;
  artifacts: number;
  corrupt: Digest[];
  missing: { artifact: string; digest: string }[];
  unreadableRecords: Digest[];
  catalog: { added: number; removed: number };
  repaired: Digest[];
  ok: boolean;
}

export async function fsck(store: Store, opts: FsckOptions = {}): Promise<FsckReport> {
  const reconciled = await store.reconcile({ rebuild: opts.rebuild });
  const corrupt: Digest[] = [];
  let blobs = 0;
  if (!opts.quick) {
    for await (const digest of store.blobs.list()) {
      blobs++;
      if (!(await blobMatches(store.paths.blob(digest), digest))) corrupt.push(digest);
      opts.onProgress?.(blobs);
    }
  } else {
    for await (const _ of store.blobs.list()) blobs++;
  }
  const entries = store.find();
  const missing: FsckReport['missing'] = [];
  const bad = new Set<string>(corrupt);
  for (const { record } of entries) {
    for (const b of record.blobs) {
      if (bad.has(b.digest) || !(await store.blobs.stat(b.digest))) missing.push({ artifact: `${record.kind} ${record.name}${record.version ? ' ' + record.version : ''}`, digest: b.digest });
    }
  }
  const repaired: Digest[] = [];
  if (opts.repair) {
    for (const d of corrupt) {
      await rm(store.paths.blob(d), { force: true });
      repaired.push(d);
    }
  }
  const ok = corrupt.length === 0 && missing.length === 0 && reconciled.unreadable.length === 0;
  return {
    blobs,
    artifacts: entries.length,
    corrupt,
    missing,
    unreadableRecords: reconciled.unreadable,
    catalog: { added: reconciled.added, removed: reconciled.removed },
    repaired,
    ok,
  };
}

async function blobMatches(path: string, digest: Digest): Promise<boolean> {
  const { algorithm, hex } = parseDigest(digest);
  const hash = newHash(algorithm);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch {
    return false;
  }
  return hash.digest('hex') === hex;
}
