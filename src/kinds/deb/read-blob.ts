// Small metadata blobs (a Release file) read whole, for signing.
import type { StoreView } from '../../store/store.js';

export async function readAll(store: StoreView, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of store.blobs.open(digest)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
