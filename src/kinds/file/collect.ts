// Collecting a file is one declaration: its URL and, when known, its sha256.
import type { CollectContext, CollectResult } from '../kind.js';
import { parseDigest, sha256Digest } from '../../core/digest.js';
import { servedName, type FileEntry, type FileLocked } from './spec.js';

export async function collectFile(entry: FileEntry, ctx: CollectContext, pinned?: FileLocked): Promise<CollectResult<FileLocked>> {
  // Without --locked, a pinned digest is reused only when the store still has it; otherwise the URL is
  // fetched afresh and the lock records what arrived (an unversioned URL may have changed upstream).
  const reuse = pinned !== undefined && (ctx.locked || (await ctx.has(sha256Digest(pinned.sha256))));
  const sha256 = entry.sha256 ?? (reuse ? pinned.sha256 : undefined);
  const blob = await ctx.fetch({
    url: entry.url,
    digest: sha256 ? sha256Digest(sha256) : undefined,
    size: entry.size ?? (sha256 === pinned?.sha256 ? pinned?.size : undefined),
    label: servedName(entry.url),
  });
  const locked: FileLocked = { url: entry.url, sha256: parseDigest(blob.digest).hex, size: blob.size };
  return {
    locked,
    artifacts: [
      {
        kind: 'file',
        name: servedName(entry.url),
        origin: entry.url,
        blobs: [{ digest: blob.digest, size: blob.size, role: 'content', mediaType: 'application/octet-stream' }],
      },
    ],
  };
}
