// A read-through cache in front of the blob store, for serving. Blobs are content-addressed and never
// change, so a cached size or body is always right; only a delete (OCI DELETE, in this process) has to
// drop entries, which the store announces. Small bodies are kept in an LRU bounded in bytes, so a busy
// registry or file server answers configs, manifests and small files without touching the disk.
import type { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import type { BlobInfo, BlobReader, ByteRange } from '../store/blob-store.js';
import { AirlockError } from '../core/errors.js';

export interface CacheLimits {
  /** Bodies up to this size are cached. */
  maxItemBytes: number;
  /** Total bytes of cached bodies. */
  maxBytes: number;
  /** Remembered sizes (a few dozen bytes each). */
  maxSizes: number;
}

export const DEFAULT_CACHE: CacheLimits = { maxItemBytes: 1 << 20, maxBytes: 64 << 20, maxSizes: 200_000 };

export class CachingBlobReader implements BlobReader {
  private readonly sizes = new Map<string, number>();
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly inner: BlobReader,
    private readonly limits: CacheLimits = DEFAULT_CACHE,
  ) {}

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const size = this.sizes.get(digest);
    if (size !== undefined) return { digest: digest as BlobInfo['digest'], size };
    const info = await this.inner.stat(digest);
    if (info) {
      if (this.sizes.size >= this.limits.maxSizes) this.sizes.clear();
      this.sizes.set(digest, info.size);
    }
    return info;
  }

  open(digest: string, range?: ByteRange): Readable {
    return this.inner.open(digest, range);
  }

  localPath(digest: string): string {
    return this.inner.localPath!(digest);
  }

  /** The whole body of a small blob, from memory when possible; undefined when it is too large to cache. */
  async small(digest: string, size: number): Promise<Buffer | undefined> {
    if (size > this.limits.maxItemBytes || !this.inner.localPath) return undefined;
    const hit = this.bodies.get(digest);
    if (hit) {
      // Map order is insertion order: re-inserting makes it the most recently used.
      this.bodies.delete(digest);
      this.bodies.set(digest, hit);
      return hit;
    }
    let body: Buffer;
    try {
      body = await readFile(this.inner.localPath(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Removed by `store gc` in another process since its size was cached.
      this.forget(digest);
      throw new AirlockError('NOT_FOUND', `blob ${digest} is no longer in the store`);
    }
    this.bodies.set(digest, body);
    this.bytes += body.length;
    for (const [key, value] of this.bodies) {
      if (this.bytes <= this.limits.maxBytes) break;
      this.bodies.delete(key);
      this.bytes -= value.length;
    }
    return body;
  }

  forget(digest: string): void {
    this.sizes.delete(digest);
    const body = this.bodies.get(digest);
    if (body) {
      this.bodies.delete(digest);
      this.bytes -= body.length;
    }
  }
}
