// Setup apart from the handlers: site.yaml's ntp section → clock, time source, rate limits, sockets.
import type { Site } from '../config/site.js';
import { parseEndpoint } from '../config/site.js';
import type { Logger } from '../core/log.js';
import type { ListenAddress } from '../netsvc/bind.js';
import { RateLimiter } from '../netsvc/rate-limit.js';
import { SystemClock } from './clock.js';
import { trackReceiveLatency } from './latency.js';
import { openWakeDelay } from './run-delay.js';
import { LocalSource } from './local-source.js';
import { NtpResponder } from './responder.js';
import type { ServiceCounters } from '../netsvc/counters.js';
import { startNtpListeners, startUpstreamPoller, type RunningNtp } from './server.js';
import { UpstreamSource } from './upstream.js';

export type { RunningNtp } from './server.js';

/** Defaults: 1 request/s per source with bursts of 16 (iburst fits); `rate-limit: {per-second: 0}` = off. */
export function rateLimitsFor(site: Site): { rateLimit?: RateLimiter; kodLimit?: RateLimiter } {
  const rate = site.ntp?.['rate-limit'] ?? { 'per-second': 1, burst: 16 };
  if (rate['per-second'] <= 0) return {};
  return {
    rateLimit: new RateLimiter({ perSecond: rate['per-second'], burst: rate.burst ?? 16 }),
    kodLimit: new RateLimiter({ perSecond: 0.5, burst: 1 }),
  };
}

export async function startNtp(site: Site, listen: ListenAddress[], logger: Logger, counters?: ServiceCounters): Promise<RunningNtp> {
  const ntp = site.ntp ?? {};
  const wakeDelay = openWakeDelay();
  const clock = new SystemClock(2000, wakeDelay?.mark);
  const servers = (ntp.upstream ?? []).map((u) => parseEndpoint(u, 123)!);
  const upstream = servers.length ? new UpstreamSource(clock, ntp['unsynchronised-after'] ?? 3600) : undefined;
  const source = upstream ?? new LocalSource(clock, ntp.stratum ?? 8);
  const receiveLatency = await trackReceiveLatency({ wakeDelay });
  const responder = new NtpResponder({ clock, source, receiveLatency, wakeDelay, ...rateLimitsFor(site) });
  const listeners = await startNtpListeners(responder, listen, logger, counters).catch((err) => {
    clock.close();
    receiveLatency.close();
    wakeDelay?.close();
    throw err;
  });
  const poller = upstream ? await startUpstreamPoller({ servers, source: upstream, clock, logger, poll: ntp.poll ?? 64 }) : undefined;
  return {
    addresses: listeners.addresses,
    close: async () => {
      clock.close();
      receiveLatency.close();
      await poller?.close();
      wakeDelay?.close();
      await listeners.close();
    },
  };
}
