// Node cannot read kernel receive timestamps (SO_TIMESTAMP), so the receive stamp is taken when the
// datagram reaches JavaScript: late by the wake-up, kernel, libuv and callback path. Left alone that
// skews every client's offset by half of it. Most of it is the wake-up: measured on a 2-vCPU KVM guest
// (cpuidle haltpoll), a datagram reaches a loop that has slept for more than ~1 ms 150–230 µs after
// it was sent, one that arrives while the CPU is still awake 40–60 µs after (bench/ntp.sh, docs/ntp.md).
// An echo between two sockets of the same loop never sees the loop asleep, so it measured the wrong
// path. Instead a small prober thread sends a datagram carrying its monotonic send time to a socket in
// this loop at random 1–3 s intervals, so it finds the loop as requests do (idle, or busy under load);
// this loop stamps it on arrival exactly as the responder stamps a request. The median of the last
// probes is subtracted from receive stamps.
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import type { WakeDelay } from './run-delay.js';

export interface ReceiveLatency {
  /** seconds to subtract from a receive stamp taken in JavaScript */
  seconds: number;
}

export interface LatencyTracker extends ReceiveLatency {
  close(): void;
}

const WINDOW = 15;
const CAP = 0.001; // never correct by more than 1 ms: beyond that the machine itself was stalled

// The prober, CommonJS run with eval (no file to find beside the compiled one). Each probe: one send to a
// sink socket of its own first, so the real send runs on warm code (measured: a cold send from a thread
// that slept for seconds spends ~100 µs in JavaScript before the syscall, which would read as latency);
// then the send time, taken just before a synchronous send (an IP-literal lookup, a bound socket:
// libuv's try-send); then the thread blocks in Atomics.wait at once, as a C client blocks in poll():
// a thread that went back to its event loop would keep the CPU the woken loop may want. process.hrtime
// is CLOCK_MONOTONIC, the same clock in every thread (performance.timeOrigin is per thread).
const PROBER = `
const { workerData: w } = require('node:worker_threads');
const dgram = require('node:dgram');
const lookup = (a, f, cb) => cb(null, a, 4);
const stop = new Int32Array(w.stop);
const b = Buffer.alloc(8);
const open = (cb) => { const s = dgram.createSocket({ type: 'udp4', lookup }); s.bind(0, '127.0.0.1', () => cb(s)); };
open((sink) => open((s) => {
  const sinkPort = sink.address().port;
  for (let n = 1; Atomics.wait(stop, 0, 0, n <= w.count ? w.gap : 1000 + Math.random() * 2000) === 'timed-out'; n++) {
    s.send(b, sinkPort, '127.0.0.1');
    b.writeDoubleLE(Number(process.hrtime.bigint()), 0);
    s.send(b, w.port, '127.0.0.1');
  }
  sink.close();
  s.close();
}));
`;

/** Start probing; resolves after the first `startup` probes (at most a second), `seconds` their median. */
export async function trackReceiveLatency(opts: { startup?: number; gapMs?: number; wakeDelay?: WakeDelay } = {}): Promise<LatencyTracker> {
  const startup = opts.startup ?? 7;
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind({ port: 0, address: '127.0.0.1', exclusive: true }, r));
  sock.on('error', () => undefined); // a probe lost is a probe lost; the last median stays
  const samples: number[] = [];
  let started: () => void = () => undefined;
  const tracker: LatencyTracker = { seconds: 0, close: () => (prober.stop(), sock.close()) };
  sock.on('message', (msg) => {
    const now = Number(process.hrtime.bigint()); // first, as the responder stamps a request
    if (msg.length !== 8) return;
    // Without this thread's wait for a CPU: the responder subtracts each request's own (run-delay.ts).
    samples.push(Math.max(0, (now - msg.readDoubleLE(0)) / 1e9 - (opts.wakeDelay?.waited() ?? 0)));
    if (samples.length > WINDOW) samples.shift();
    tracker.seconds = Math.min(CAP, median(samples));
    if (samples.length >= startup) started();
  });
  const prober = startProber({ port: sock.address().port, count: startup, gap: opts.gapMs ?? 20 });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => (started = r)), new Promise((r) => (timer = setTimeout(r, 1000)))]);
  clearTimeout(timer);
  // From here on the probes must not keep alive a process that has nothing else to do.
  sock.unref();
  prober.worker.unref();
  return tracker;
}

function startProber(data: { port: number; count: number; gap: number }): { worker: Worker; stop(): void } {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(PROBER, { eval: true, workerData: { ...data, stop: stop.buffer }, resourceLimits: { maxOldGenerationSizeMb: 8 } });
  worker.on('error', () => undefined); // without probes the correction keeps its last value
  return {
    worker,
    stop: () => {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
    },
  };
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
