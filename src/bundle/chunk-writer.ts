// Writes one chunk file: a plain tar of blobs, hashed while it is written, committed atomically.
// Offsets are counted here so the TOC can say where every blob's bytes start.
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { pack as tarPack, type Pack } from 'tar-stream';
import { AirlockError } from '../core/errors.js';
import { newHash } from '../core/digest.js';
import { commitRename, tempNameFor } from '../store/atomic-file.js';
import { chunkFileName } from './toc.js';

const BLOCK = 512;
const END_OF_ARCHIVE = 2 * BLOCK;
const EPOCH = new Date(0);

export const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

export class ChunkWriter {
  private position = 0;
  private constructor(
    readonly file: string,
    private readonly target: string,
    private readonly tar: Pack,
    private readonly written: Promise<void>,
    private readonly hash: ReturnType<typeof newHash>,
  ) {}

  static create(dir: string, index: number): ChunkWriter {
    const file = chunkFileName(index);
    const target = `${dir}/${file}`;
    const temp = tempNameFor(target);
    const tar = tarPack();
    const hash = newHash('sha256');
    const written = pipeline(
      tar,
      async function* (source: AsyncIterable<unknown>) {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(temp, { flags: 'wx', highWaterMark: 1 << 20 }),
    );
    const writer = new ChunkWriter(file, target, tar, written, hash);
    writer.temp = temp;
    return writer;
  }

  private temp = '';

  /** Bytes left for the data of one more entry (its header and the end-of-archive blocks accounted). */
  room(chunkSize: number): number {
    return Math.floor((chunkSize - this.position - END_OF_ARCHIVE - BLOCK) / BLOCK) * BLOCK;
  }

  get isEmpty(): boolean {
    return this.position === 0;
  }

  /** Append one entry; returns the offset of its data in the chunk. */
  async add(name: string, source: Readable, size: number): Promise<number> {
    const offset = this.position + BLOCK;
    const entry = this.tar.entry({ name, size, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '', type: 'file' });
    await pipeline(source, entry);
    this.position = offset + padded(size);
    return offset;
  }

  async finish(): Promise<{ file: string; size: number; sha256: string }> {
    this.tar.finalize();
    await this.written;
    const handle = await open(this.temp, 'r+');
    let size: number;
    try {
      size = (await handle.stat()).size;
      // tar-stream writes plain ustar headers for our short names; if it ever wrote extended headers
      // the offsets in the TOC would be wrong, so refuse rather than write a broken bundle.
      if (size !== this.position + END_OF_ARCHIVE) {
        throw new AirlockError('INTERNAL', `chunk ${this.file} is ${size} bytes, expected ${this.position + END_OF_ARCHIVE}`);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await commitRename(this.temp, this.target);
    return { file: this.file, size, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    this.tar.destroy();
    await this.written.catch(() => undefined);
    await rm(this.temp, { force: true });
  }
}
