// How long this thread waited for a CPU before it could take a receive stamp. On a busy machine a
// datagram can make the NTP thread runnable and then sit in the run queue for milliseconds (measured on
// the shared 2-vCPU test machine: 1–77 ms stalls); chronyd stamps in the kernel and never sees that, a
// stamp taken in JavaScript is late by all of it. Linux counts it per thread: /proc/thread-self/schedstat
// is "<ns on CPU> <ns waiting runnable> <times scheduled in>". The wait of the wake that delivered a
// request is the growth since the thread last went to sleep, if it was scheduled in exactly once since
// (a timer or another socket waking it in between would mix their waits in: then no correction).
import { closeSync, openSync, readSync } from 'node:fs';

export interface WakeDelay {
  /**
   * Seconds this thread waited for a CPU on the wake that delivered the datagram being handled: for the
   * first datagram handled on a wake; 0 for the others of the same wake, or when it cannot be known.
   */
  waited(): number;
  /** Note the counters now, as the thread is about to sleep (timers that wake the thread call it). */
  mark(): void;
  close(): void;
}

/** Linux only; undefined where the counters cannot be read. One per thread, opened on that thread. */
export function openWakeDelay(): WakeDelay | undefined {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(96);
  let open = true;
  // Never throws: a failed read (closed, unreadable) reads as "no wake to attribute".
  const read = (): [number, number] => {
    try {
      const text = buf.toString('latin1', 0, open ? readSync(fd, buf, 0, buf.length, 0) : 0);
      const [, wait, count] = text.split(' ');
      return [Number(wait), Number(count)];
    } catch {
      return [NaN, NaN];
    }
  };
  let [baseWait, baseCount] = read();
  let inWake = false;
  const mark = () => ([baseWait, baseCount] = read());
  const waited = () => {
    if (inWake) return 0;
    inWake = true;
    // After this wake's callbacks, before the loop polls again: the baseline for the next wake.
    setImmediate(() => ((inWake = false), mark()));
    const [wait, count] = read();
    const ok = count - baseCount === 1 && wait >= baseWait;
    return ok ? (wait - baseWait) / 1e9 : 0;
  };
  const close = () => void (open && ((open = false), closeSync(fd)));
  return { waited, mark, close };
}
