// Writes bytes to a file in the store while hashing them, then commits the file as a blob only if its
// digest (and size) match. Used for fresh writes (a temp file) and for resumed downloads (a partial
// file kept across an interruption: the bytes already there are hashed again before new ones append).
import { createReadStream } from 'node:fs';
import { open, rm, stat, mkdir, type FileHandle } from 'node:fs/promises';
import type { Hash } from 'node:crypto';
import { dirname } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { newHash, type Algorithm, type Digest } from '../core/digest.js';
import { commitRename } from './atomic-file.js';

export interface Expectation {
  digest?: string;
  size?: number;
  /** Where the bytes came from, for error messages (a URL, a chunk file). */
  source?: string;
}

export class VerifiedWriter {
  private bytes = 0;
  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    private readonly hash: Hash,
    readonly algorithm: Algorithm,
  ) {}

  /** Open `path` for appending; existing bytes (a partial download) are hashed first. */
  static async open(path: string, algorithm: Algorithm = 'sha256', opts: { resume?: boolean } = {}): Promise<VerifiedWriter> {
    await mkdir(dirname(path), { recursive: true });
    const hash = newHash(algorithm);
    let existing = 0;
    if (opts.resume) {
      existing = (await stat(path).catch(() => undefined))?.size ?? 0;
      if (existing > 0) {
        for await (const chunk of createReadStream(path, { end: existing - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
      }
    }
    const handle = await open(path, opts.resume ? 'a' : 'wx', 0o644);
    const writer = new VerifiedWriter(path, handle, hash, algorithm);
    writer.bytes = existing;
    return writer;
  }

  get size(): number {
    return this.bytes;
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    await this.handle!.write(chunk);
  }

  /** Drain `source` into the file, hashing as it goes. */
  async writeAll(source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>): Promise<void> {
    for await (const chunk of source) await this.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }

  /** fsync, check digest and size, and rename onto `targetFor(digest)`. The file is removed on mismatch. */
  async commit(targetFor: (digest: Digest) => string, expect: Expectation = {}): Promise<{ digest: Digest; size: number }> {
    const digest = `${this.algorithm}:${this.hash.digest('hex')}` as Digest;
    const size = this.bytes;
    try {
      await this.handle!.sync();
      await this.close();
      checkExpectation(digest, size, expect);
      const target = targetFor(digest);
      await mkdir(dirname(target), { recursive: true });
      await commitRename(this.path, target);
      return { digest, size };
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  async discard(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}

export function checkExpectation(digest: string, size: number, expect: Expectation): void {
  const from = expect.source ? ` from ${expect.source}` : '';
  if (expect.size !== undefined && expect.size !== size) {
    throw new AirlockError('SIZE_MISMATCH', `size mismatch${from}: expected ${expect.size} bytes, got ${size}`, {
      hint: 'the source changed or the transfer was corrupted; nothing was stored',
      data: { source: expect.source, expectedSize: expect.size, actualSize: size },
    });
  }
  if (expect.digest !== undefined && expect.digest !== digest) {
    throw new AirlockError('DIGEST_MISMATCH', `digest mismatch${from}: expected ${expect.digest}, got ${digest}`, {
      hint: 'the source changed or the transfer was corrupted; nothing was stored',
      data: { source: expect.source, expected: expect.digest, actual: digest },
    });
  }
}
