// Blob storage behind two narrow interfaces: BlobReader (all that serving needs) and BlobStore (adds
// writes). FsBlobStore keeps blobs as files in the OCI layout; another backend (S3, shared storage)
// implements the same interfaces and passes the same contract tests.
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { parseDigest, type Algorithm, type Digest } from '../core/digest.js';
import { StorePaths } from './paths.js';
import { commitRename, tempNameFor } from './atomic-file.js';
import { checkExpectation, VerifiedWriter, type Expectation } from './verified-writer.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ByteRange {
  start: number;
  /** inclusive */
  end: number;
}

export interface BlobReader {
  stat(digest: string): Promise<BlobInfo | undefined>;
  open(digest: string, range?: ByteRange): Readable;
  /** A local file path when the backend has one (lets the HTTP layer use sendfile-like paths). */
  localPath?(digest: string): string;
  /** The whole body of a small blob from memory, when the reader caches (undefined otherwise). */
  small?(digest: string, size: number): Promise<Buffer | undefined>;
}

export interface BlobStore extends BlobReader {
  /** Stream `source` into the store, verifying `expect` while it streams. An existing blob is success. */
  ingest(source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>, expect?: Expectation): Promise<BlobInfo & { existed: boolean }>;
  /** Commit a file already written and verified by a VerifiedWriter under this store's tmp/ or partial/. */
  adopt(writer: VerifiedWriter, expect?: Expectation): Promise<BlobInfo>;
  /**
   * Commit a complete file written (and fsynced) under this store's tmp/ by someone who hashed it while
   * writing (the bundle I/O workers): checks `actual` against `expect`, then renames it into place.
   */
  adoptFile(tempPath: string, actual: BlobInfo, expect?: Expectation): Promise<BlobInfo>;
  delete(digest: string): Promise<void>;
  list(): AsyncIterable<Digest>;
}

export class FsBlobStore implements BlobStore {
  private readonly deleteListeners: ((digest: string) => void)[] = [];

  constructor(readonly paths: StorePaths) {}

  /** Called after each delete, so caches of this store's blobs can drop the digest. */
  onDelete(listener: (digest: string) => void): void {
    this.deleteListeners.push(listener);
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const st = await stat(this.paths.blob(digest)).catch(() => undefined);
    return st?.isFile() ? { digest: digest as Digest, size: st.size } : undefined;
  }

  open(digest: string, range?: ByteRange): Readable {
    return createReadStream(this.paths.blob(digest), { start: range?.start, end: range?.end, highWaterMark: 1 << 20 });
  }

  localPath(digest: string): string {
    return this.paths.blob(digest);
  }

  async ingest(source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>, expect: Expectation = {}): Promise<BlobInfo & { existed: boolean }> {
    const algorithm: Algorithm = expect.digest ? parseDigest(expect.digest).algorithm : 'sha256';
    if (expect.digest) {
      const existing = await this.stat(expect.digest);
      if (existing) {
        for await (const _ of source) void _; // drain: the caller's stream must finish
        return { ...existing, existed: true };
      }
    }
    const writer = await VerifiedWriter.open(tempNameFor('blob', this.paths.tmpDir), algorithm);
    try {
      await writer.writeAll(source);
    } catch (err) {
      await writer.discard();
      throw err;
    }
    const info = await this.adopt(writer, expect);
    return { ...info, existed: false };
  }

  async adopt(writer: VerifiedWriter, expect: Expectation = {}): Promise<BlobInfo> {
    // A concurrent writer of the same blob renames identical bytes onto the same name: harmless.
    return writer.commit((digest) => this.paths.blob(digest), expect);
  }

  async adoptFile(tempPath: string, actual: BlobInfo, expect: Expectation = {}): Promise<BlobInfo> {
    try {
      checkExpectation(actual.digest, actual.size, expect);
      const target = this.paths.blob(actual.digest);
      await mkdir(dirname(target), { recursive: true });
      await commitRename(tempPath, target);
      return actual;
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  async delete(digest: string): Promise<void> {
    await rm(this.paths.blob(digest), { force: true });
    for (const listener of this.deleteListeners) listener(digest);
  }

  async *list(): AsyncIterable<Digest> {
    for (const algorithm of ['sha256', 'sha512']) {
      const names = await readdir(this.paths.blobDir(algorithm)).catch(() => [] as string[]);
      for (const hex of names) if (!hex.startsWith('.')) yield `${algorithm}:${hex}` as Digest;
    }
  }
}
