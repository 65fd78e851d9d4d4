// The downloads a collect has started. An entry that fails (one of its blobs cannot be fetched) may
// leave fetches for its other blobs queued or running; the engine stops the queued ones and waits for
// the running ones before it closes the store, so nothing writes to a closed store or outlives the run.
import { AirlockError } from '../core/errors.js';
import type { Declaration } from './download.js';

export class Downloads {
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  /** Remember a fetch until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const forget = () => void this.running.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** A task that has waited in the queue does not start once the collect is ending. */
  unlessStopping<T>(decl: Declaration, task: () => Promise<T>): Promise<T> {
    if (!this.stopping) return task();
    return Promise.reject(new AirlockError('FETCH_FAILED', `${decl.url}: not fetched, another entry failed and collect is stopping`));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
