// gc: delete blobs no artifact references. Blobs younger than the grace period are kept, so a blob
// written by a running collect or push (whose artifact is not recorded yet) is never collected.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../core/digest.js';
import type { Store } from './store.js';

export interface GcOptions {
  dryRun?: boolean;
  /** Milliseconds; blobs modified more recently are kept. */
  graceMs?: number;
  /** Extra roots a kind keeps outside artifact records (none today). */
  extraRoots?: Iterable<string>;
}

export interface GcReport {
  removed: Digest[];
  freedBytes: number;
  kept: number;
  partialRemoved: number;
  dryRun: boolean;
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

export async function gc(store: Store, opts: GcOptions = {}): Promise<GcReport> {
  const grace = opts.graceMs ?? DEFAULT_GC_GRACE_MS;
  const now = Date.now();
  const live = store.catalog.referencedBlobs();
  for (const d of store.catalog.recordDigests()) live.add(d);
  for (const d of opts.extraRoots ?? []) live.add(d);
  const removed: Digest[] = [];
  let freedBytes = 0;
  let kept = 0;
  for await (const digest of store.blobs.list()) {
    if (live.has(digest)) {
      kept++;
      continue;
    }
    const st = await stat(store.paths.blob(digest)).catch(() => undefined);
    if (!st || now - st.mtimeMs < grace) {
      kept++;
      continue;
    }
    removed.push(digest);
    freedBytes += st.size;
    if (!opts.dryRun) await store.blobs.delete(digest);
  }
  let partialRemoved = 0;
  for (const name of await readdir(store.paths.partialDir).catch(() => [] as string[])) {
    const path = join(store.paths.partialDir, name);
    const st = await stat(path).catch(() => undefined);
    if (st && now - st.mtimeMs >= grace) {
      partialRemoved++;
      if (!opts.dryRun) await rm(path, { force: true });
    }
  }
  return { removed, freedBytes, kept, partialRemoved, dryRun: !!opts.dryRun };
}
