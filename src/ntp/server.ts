// The NTP sockets: one UDP listener per address answering through NtpResponder, and, when upstreams
// are configured, one client socket per upstream polling it (four quick polls 2 s apart, then every
// `poll` seconds). Only bytes move here; decisions are in responder.ts and upstream.ts.
import type dgram from 'node:dgram';
import type { Endpoint } from '../config/site.js';
import type { Logger } from '../core/log.js';
import { bindUdp, closeUdp, formatAddress, type ListenAddress } from '../netsvc/bind.js';
import type { Clock } from './clock.js';
import type { NtpResponder } from './responder.js';
import type { ServiceCounters } from '../netsvc/counters.js';
import type { UpstreamSource } from './upstream.js';

export interface RunningNtp {
  addresses: string[];
  close(): Promise<void>;
}

export async function startNtpListeners(responder: NtpResponder, listen: ListenAddress[], logger: Logger, counters?: ServiceCounters): Promise<RunningNtp> {
  const socks: dgram.Socket[] = [];
  try {
    for (const { host, port } of listen) {
      const sock = await bindUdp(host, port, 'ntp');
      socks.push(sock);
      sock.on('message', (msg, rinfo) => {
        try {
          const out = responder.handle(msg, rinfo.address);
          counters?.ntpResponse(out);
          if (out) sock.send(out, rinfo.port, rinfo.address);
        } catch (err) {
          logger.error({ err }, 'ntp: handler failed');
        }
      });
      sock.on('error', (err) => logger.warn({ err }, 'ntp: socket error'));
    }
  } catch (err) {
    await Promise.all(socks.map(closeUdp));
    throw err;
  }
  return {
    addresses: socks.map((s, i) => formatAddress(listen[i]!.host, s.address().port)),
    close: async () => void (await Promise.all(socks.map(closeUdp))),
  };
}

export interface PollerOptions {
  servers: Endpoint[];
  source: UpstreamSource;
  clock: Clock;
  logger: Logger;
  /** seconds between polls after the initial burst */
  poll: number;
}

export async function startUpstreamPoller(opts: PollerOptions): Promise<{ close(): Promise<void> }> {
  const socks: dgram.Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (const server of opts.servers) {
    const sock = await bindUdp(server.host.includes(':') ? '::' : '0.0.0.0', 0, 'ntp upstream', { client: true });
    socks.push(sock);
    let sent: Buffer | undefined;
    sock.on('message', (raw, rinfo) => {
      const t4 = opts.clock.now();
      if (!sent || rinfo.address !== server.host || rinfo.port !== server.port) return;
      if (opts.source.accept(server, sent, raw, t4)) sent = undefined; // one reply per request
    });
    sock.on('error', (err) => opts.logger.warn({ err, server }, 'ntp: upstream socket error'));
    let count = 0;
    const tick = () => {
      sent = opts.source.request();
      sock.send(sent, server.port, server.host);
      const delay = ++count < 4 ? 2000 : opts.poll * 1000;
      timers.push(setTimeout(tick, delay));
    };
    tick();
  }
  return {
    close: async () => {
      timers.forEach(clearTimeout);
      await Promise.all(socks.map(closeUdp));
    },
  };
}
