// A small pool of I/O worker threads (one per core, at most `size`). Tasks are plain data; results
// come back as { hex, size } or a refusal the caller turns into a typed error.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { FrameEntry } from './framing.js';

export type IoTask =
  | { op: 'hashFile'; path: string; frame?: ChunkFrame }
  | { op: 'checkFrame'; path: string; frame: ChunkFrame }
  | { op: 'writeChunk'; dest: string; entries: { name: string; src: string; start: number; size: number }[] }
  | { op: 'extractBlob'; dest: string; algorithm: 'sha256' | 'sha512'; parts: { file: string; offset: number; size: number; name: string }[] };

/** A chunk's entries and size, so a worker can check every byte that is not blob data (framing.ts). */
export interface ChunkFrame {
  entries: FrameEntry[];
  size: number;
}

/** `framing`: what hashFile found wrong outside the entries' data (the hash is still reported). */
export type IoResult = { hex: string; size: number; refused?: undefined; framing?: string } | { refused: string; hex?: undefined; size?: undefined; framing?: undefined };

interface Pending {
  resolve(r: IoResult): void;
  reject(e: Error): void;
}

export class IoPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; task: IoTask }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(size = Math.min(2, availableParallelism())) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./io-worker.js', import.meta.url));
      worker.on('message', ({ id, result, error }: { id: number; result?: IoResult; error?: { message: string; code?: string } }) => {
        const p = this.pending.get(id)!;
        this.pending.delete(id);
        if (error) p.reject(Object.assign(new Error(error.message), { code: error.code }));
        else p.resolve(result!);
        this.dispatch(worker);
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: IoTask): Promise<IoResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task });
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker);
    });
  }

  private dispatch(worker: Worker): void {
    const next = this.queue.shift();
    if (next) worker.postMessage(next);
    else this.idle.push(worker);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
