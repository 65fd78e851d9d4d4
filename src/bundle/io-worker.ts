// Worker thread for bundle I/O: reads, hashes and writes with positional synchronous I/O in large
// blocks, so each core hashes at full speed and the main thread only plans and commits.
// Each task is one file in or one file out; the main thread decides names and renames.
import { closeSync, fsyncSync, openSync, readSync, write } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { BLOCK, END_OF_ARCHIVE, encodeHeader, padded } from './tar-header.js';
import { FramingCheck, frameRegions, headerProblem } from './framing.js';
import type { ChunkFrame, IoTask, IoResult } from './io-pool.js';

const BUFFER_SIZE = 4 << 20;
const buffer = Buffer.allocUnsafe(BUFFER_SIZE);
const ZEROS = Buffer.alloc(END_OF_ARCHIVE);

/**
 * Sequential writes that run on libuv's thread pool while this thread reads and hashes the next
 * block: the write syscall's cost overlaps the hashing. Buffers rotate, at most DEPTH writes in flight.
 */
const WRITE_DEPTH = 3;
// One set per worker, reused by every task: the pool gives a worker one task at a time, and fresh
// buffers per blob would make memory grow with the number of blobs until the GC catches up.
const WRITE_BUFFERS = Array.from({ length: WRITE_DEPTH }, () => Buffer.allocUnsafe(BUFFER_SIZE));

class OverlappedWriter {
  private static readonly DEPTH = WRITE_DEPTH;
  private readonly buffers = WRITE_BUFFERS;
  private readonly inFlight: Promise<void>[] = [];
  private next = 0;
  private failure: unknown;

  constructor(private readonly fd: number) {}

  /** A free buffer to fill; waits for the oldest write when all are in flight. */
  async take(): Promise<Buffer> {
    if (this.inFlight.length >= OverlappedWriter.DEPTH) await this.inFlight.shift();
    if (this.failure) throw this.failure;
    return this.buffers[this.next++ % OverlappedWriter.DEPTH]!;
  }

  /** Queue `length` bytes of a buffer from take(); writes happen in order (appending fd). */
  put(buf: Buffer, length: number): void {
    const previous = this.inFlight[this.inFlight.length - 1] ?? Promise.resolve();
    this.inFlight.push(previous.then(() => writeAll(this.fd, buf, length)).catch((err) => void (this.failure ??= err)));
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
    if (this.failure) throw this.failure;
  }
}

function writeAll(fd: number, buf: Buffer, length: number, offset = 0): Promise<void> {
  return new Promise((resolve, reject) =>
    write(fd, buf, offset, length - offset, null, (err, n) => (err ? reject(err) : n < length - offset ? writeAll(fd, buf, length, offset + n).then(resolve, reject) : resolve())),
  );
}

/** Hash a whole file; with `frame`, also check its non-data bytes in the same pass (no extra read). */
function hashFile(path: string, frame?: ChunkFrame): IoResult {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const check = frame && new FramingCheck(frameRegions(frame.entries, frame.size));
    let framing: string | undefined;
    let size = 0;
    for (let n; (n = readSync(fd, buffer, 0, BUFFER_SIZE, null)) > 0; size += n) {
      hash.update(buffer.subarray(0, n));
      if (check && !framing) framing = check.feed(buffer.subarray(0, n), size);
    }
    if (check && !framing) framing = check.finish();
    return { hex: hash.digest('hex'), size, ...(framing ? { framing } : {}) };
  } finally {
    closeSync(fd);
  }
}

/** Read only the non-data regions of a chunk (headers, padding, end blocks) and check them. */
function checkFrame(path: string, frame: ChunkFrame): IoResult {
  const fd = openSync(path, 'r');
  try {
    const regions = frameRegions(frame.entries, frame.size);
    const check = new FramingCheck(regions);
    for (const r of regions) {
      const n = readSync(fd, buffer, 0, r.end - r.start, r.start);
      if (n !== r.end - r.start) return { refused: `${r.what} (offset ${r.start}) is cut short` };
      const refused = check.feed(buffer.subarray(0, n), r.start);
      if (refused) return { refused };
    }
    const refused = check.finish();
    return refused ? { refused } : { hex: '', size: frame.size };
  } finally {
    closeSync(fd);
  }
}

/** Copy `size` bytes from `src` at `start` into `out`, feeding each block to `hash`. */
async function copyRange(src: number, start: number, size: number, out: OverlappedWriter, hash: ReturnType<typeof createHash>, what: string): Promise<void> {
  for (let done = 0; done < size; ) {
    const buf = await out.take();
    const n = readSync(src, buf, 0, Math.min(BUFFER_SIZE, size - done), start + done);
    if (n === 0) throw new Error(`${what} ended early`);
    hash.update(buf.subarray(0, n));
    out.put(buf, n);
    done += n;
  }
}

async function putSmall(out: OverlappedWriter, hash: ReturnType<typeof createHash>, bytes: Buffer): Promise<void> {
  const buf = await out.take();
  bytes.copy(buf);
  hash.update(bytes);
  out.put(buf, bytes.length);
}

async function writeChunk(task: Extract<IoTask, { op: 'writeChunk' }>): Promise<IoResult> {
  const fd = openSync(task.dest, 'wx', 0o644);
  try {
    const out = new OverlappedWriter(fd);
    const hash = createHash('sha256');
    let size = 0;
    for (const e of task.entries) {
      await putSmall(out, hash, encodeHeader(e.name, e.size));
      const src = openSync(e.src, 'r');
      try {
        await copyRange(src, e.start, e.size, out, hash, e.src);
      } finally {
        closeSync(src);
      }
      const pad = padded(e.size) - e.size;
      if (pad > 0) await putSmall(out, hash, ZEROS.subarray(0, pad));
      size += BLOCK + padded(e.size);
    }
    await putSmall(out, hash, ZEROS);
    await out.drain();
    fsyncSync(fd);
    return { hex: hash.digest('hex'), size: size + END_OF_ARCHIVE };
  } finally {
    closeSync(fd);
  }
}

async function extractBlob(task: Extract<IoTask, { op: 'extractBlob' }>): Promise<IoResult> {
  const fd = openSync(task.dest, 'wx', 0o644);
  const out = new OverlappedWriter(fd);
  try {
    const hash = createHash(task.algorithm);
    let size = 0;
    for (const part of task.parts) {
      const src = openSync(part.file, 'r');
      try {
        const refused = checkEntryHeader(src, part);
        if (refused) return { refused };
        await copyRange(src, part.offset, part.size, out, hash, part.file);
        size += part.size;
      } finally {
        closeSync(src);
      }
    }
    await out.drain();
    fsyncSync(fd);
    return { hex: hash.digest('hex'), size };
  } finally {
    await out.drain().catch(() => undefined);
    closeSync(fd);
  }
}

/** The header before a part must be exactly the one pack writes for the entry the TOC lists there. */
function checkEntryHeader(src: number, part: { offset: number; size: number; name: string }): string | undefined {
  if (part.offset < BLOCK || readSync(src, buffer, 0, BLOCK, part.offset - BLOCK) !== BLOCK) return `no entry header before offset ${part.offset}`;
  return headerProblem(buffer.subarray(0, BLOCK), part);
}

async function runTask(task: IoTask): Promise<IoResult> {
  if (task.op === 'hashFile') return hashFile(task.path, task.frame);
  if (task.op === 'checkFrame') return checkFrame(task.path, task.frame);
  return task.op === 'writeChunk' ? writeChunk(task) : extractBlob(task);
}

parentPort!.on('message', async ({ id, task }: { id: number; task: IoTask }) => {
  try {
    const result = await runTask(task);
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } });
  }
});
