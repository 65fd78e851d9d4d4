// Node cannot read kernel receive timestamps (SO_TIMESTAMP), so the receive stamp is taken when the
// datagram reaches JavaScript: late by the wake-up + libuv + callback path, ~100–200 µs on a VM. Left
// alone that skews every client's offset by half of it. We measure it instead: echo probes between two
// loopback sockets of this same event loop, take the median one-way time (RTT/2: kernel, wake-up and
// callback, the same path a request takes) and subtract it from receive stamps. Re-measured
// periodically so it follows the load.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface ReceiveLatency {
  /** seconds to subtract from a receive stamp taken in JavaScript */
  seconds: number;
}

const PROBES = 15;
const CAP = 0.001; // never correct by more than 1 ms: beyond that the probe itself was disturbed

export async function measureReceiveLatency(): Promise<number> {
  const a = dgram.createSocket('udp4');
  const b = dgram.createSocket('udp4');
  try {
    // exclusive: under --workers (cluster) the probes must not share a port with anything else
    const bind = (s: dgram.Socket) => new Promise<void>((r) => s.bind({ port: 0, address: '127.0.0.1', exclusive: true }, r));
    await Promise.all([bind(a), bind(b)]);
    a.on('message', (m, ri) => a.send(m, ri.port, ri.address));
    const oneWay: number[] = [];
    const probe = Buffer.alloc(48);
    for (let i = 0; i < PROBES; i++) {
      await new Promise((r) => setTimeout(r, 10)); // let the loop go idle, as between real requests
      const t1 = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 100);
        b.once('message', () => (clearTimeout(timer), resolve(true)));
        b.send(probe, a.address().port, '127.0.0.1');
      });
      if (ok) oneWay.push((performance.now() - t1) / 2000);
    }
    oneWay.sort((x, y) => x - y);
    return Math.min(CAP, oneWay[Math.floor(oneWay.length / 2)] ?? 0);
  } finally {
    a.close();
    b.close();
  }
}

/** Measure now and every `everyMs`; the returned object's `seconds` is always the latest value. */
export async function trackReceiveLatency(everyMs = 60_000): Promise<ReceiveLatency & { close(): void }> {
  const latency = { seconds: await measureReceiveLatency(), close: () => clearInterval(timer) };
  const timer = setInterval(() => {
    measureReceiveLatency().then((s) => (latency.seconds = s), () => undefined);
  }, everyMs);
  timer.unref();
  return latency;
}
