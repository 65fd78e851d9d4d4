// Sends a byte range of a file on an HTTP response through the shared send pool (send-pool.ts).
import type { ServerResponse } from 'node:http';
import { open, type FileHandle } from 'node:fs/promises';
import type { SendPool } from './send-pool.js';

/** Bodies up to this size are read in one call into an exact buffer: cheaper than the pool's round trips. */
export const SMALL_FILE = 64 * 1024;

export async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, start);
    if (bytesRead !== length) throw new Error(`${file} is shorter than expected`);
    return buf;
  } finally {
    await handle.close();
  }
}

/** A buffer the socket still owns: `written` settles when the kernel has its bytes or the connection closed. */
interface Sending {
  buf: Buffer;
  written: Promise<void>;
}

/**
 * Stream bytes [start, end] of a file. With a spare buffer free, the next chunk is read while the socket
 * sends the previous one; when the pool is short, one buffer at a time. A buffer goes back to the pool
 * only after its write finished (or the connection closed, which ends libuv's use of it). Reads are
 * asynchronous, so a cold disk never stalls the event loop.
 */
export async function sendFile(res: ServerResponse, pool: SendPool, file: string, start: number, end: number | undefined): Promise<void> {
  const handle = await open(file, 'r');
  let closed = false;
  // A response that closed before we got here emits no more 'close'.
  const gone = res.destroyed ? Promise.resolve(void (closed = true)) : new Promise<void>((resolve) => res.once('close', () => resolve(void (closed = true))));
  let sending: Sending | undefined;
  let reading: Buffer | undefined;
  const release = async () => {
    const s = sending;
    sending = undefined;
    if (s) await s.written.then(() => pool.give(s.buf));
  };
  try {
    const last = end ?? (await handle.stat()).size - 1;
    for (let pos = start; pos <= last; ) {
      reading = sending ? pool.tryTake() : undefined;
      if (!reading) {
        await release();
        reading = await pool.take();
      }
      const n = await readChunk(handle, reading, pos, last, file);
      await release();
      if (closed) throw new Error('client went away');
      sending = { buf: reading, written: write(res, reading.subarray(0, n), gone) };
      reading = undefined;
      pos += n;
    }
    await release();
    // end's callback waits for 'finish', which a connection closed meanwhile never emits.
    await Promise.race([new Promise<void>((resolve) => res.end(resolve)), gone]);
  } finally {
    if (reading) pool.give(reading);
    await release();
    await handle.close();
  }
}

async function readChunk(handle: FileHandle, buf: Buffer, pos: number, last: number, file: string): Promise<number> {
  const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, last - pos + 1), pos);
  if (bytesRead === 0) throw new Error(`${file} is shorter than expected`);
  return bytesRead;
}

// Settles on the write callback (error or not: either way libuv is done with the memory) or on close,
// since a write queued on a connection that then closes may never call back.
function write(res: ServerResponse, chunk: Buffer, gone: Promise<void>): Promise<void> {
  const done = new Promise<void>((resolve) => res.write(chunk, () => resolve()));
  return Promise.race([done, gone]);
}
