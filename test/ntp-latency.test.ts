// The receive-latency correction (src/ntp/latency.ts): probes from a thread of their own reach this
// loop's socket and give a correction; closing stops the prober thread. (How well it corrects is
// measured in bench/ntp.sh against chronyd, not asserted here: timings on a shared machine.)
import { describe, expect, it } from 'vitest';
import { median, trackReceiveLatency } from '../src/ntp/latency.js';

describe('receive latency', () => {
  it('measures the path from another thread into this loop, within the cap, and stops cleanly', async () => {
    const t = await trackReceiveLatency({ startup: 3, gapMs: 10 });
    try {
      expect(t.seconds).toBeGreaterThan(0); // probes from the prober thread arrived and were stamped
      expect(t.seconds).toBeLessThanOrEqual(0.001);
    } finally {
      t.close();
    }
  });

  it('takes the median, so one stalled probe does not move the correction', () => {
    expect(median([0.0002, 0.00018, 0.0009, 0.00021, 0.00019])).toBe(0.0002);
    expect(median([])).toBe(0);
  });
});

describe('wait for a CPU (Linux /proc/thread-self/schedstat)', () => {
  it('gives the first datagram of a wake its wait, the others of the same wake none', async () => {
    const { openWakeDelay } = await import('../src/ntp/run-delay.js');
    const wake = openWakeDelay();
    expect(wake, 'Linux has /proc/thread-self/schedstat').toBeDefined();
    try {
      await new Promise((r) => setTimeout(r, 20)); // sleep, then wake: one schedule-in
      const first = wake!.waited();
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(1);
      expect(wake!.waited()).toBe(0); // same wake
    } finally {
      wake!.close();
    }
  });
});
