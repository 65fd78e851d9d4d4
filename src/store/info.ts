// A summary of what a store holds, for `airlock store info`.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Store } from './store.js';

export interface StoreInfo {
  root: string;
  blobs: number;
  bytes: number;
  kinds: Record<string, number>;
  receipt?: string;
  lock?: string;
}

export async function storeInfo(store: Store): Promise<StoreInfo> {
  let blobs = 0;
  let bytes = 0;
  for await (const digest of store.blobs.list()) {
    blobs++;
    bytes += (await stat(store.paths.blob(digest)).catch(() => undefined))?.size ?? 0;
  }
  const kinds: Record<string, number> = {};
  for (const { record } of store.find()) kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
  return {
    root: store.paths.root,
    blobs,
    bytes,
    kinds,
    receipt: existsSync(store.paths.receipt) ? store.paths.receipt : undefined,
    lock: existsSync(store.paths.lockCopy) ? store.paths.lockCopy : undefined,
  };
}
