// The DNS listeners: for every listen address one UDP socket and one TCP server on the same port (port
// 0 picks a port free for both). They only move bytes: all protocol decisions are DnsHandler's.
import type dgram from 'node:dgram';
import net from 'node:net';
import { isAirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { bindTcp, bindUdp, closeUdp, formatAddress, type ListenAddress } from '../netsvc/bind.js';
import type { DnsHandler } from './handler.js';
import type { ServiceCounters } from '../netsvc/counters.js';

export interface RunningServer {
  addresses: string[];
  /** Answer from another handler (a zone rebuilt from an edited site.yaml) on the same sockets. */
  replaceHandler(handler: DnsHandler): void;
  close(): Promise<void>;
}

/** What the listeners answer with; replaced as a whole, read once per query. */
interface HandlerSlot {
  handler: DnsHandler;
}

const TCP_IDLE_MS = 10_000;

export async function startDnsServer(handler: DnsHandler, listen: ListenAddress[], logger: Logger, counters?: ServiceCounters): Promise<RunningServer> {
  const slot: HandlerSlot = { handler };
  const udps: dgram.Socket[] = [];
  const tcps: net.Server[] = [];
  const addresses: string[] = [];
  const drops: Array<() => void> = [];
  try {
    for (const { host, port } of listen) {
      const { udp, tcp } = await bindPair(host, port);
      udps.push(udp);
      tcps.push(tcp);
      serveUdp(udp, slot, logger, counters);
      drops.push(serveTcp(tcp, slot, logger, counters));
      addresses.push(formatAddress(host, udp.address().port));
    }
  } catch (err) {
    await closeAll(udps, tcps);
    throw err;
  }
  return {
    addresses,
    replaceHandler: (next) => void (slot.handler = next),
    close: () => (drops.forEach((d) => d()), closeAll(udps, tcps)),
  };
}

/** UDP first, then TCP on the port UDP got; with port 0 a clash on TCP is retried with a new port. */
async function bindPair(host: string, port: number): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(host, port, 'dns (udp)');
    const tcp = net.createServer();
    try {
      await bindTcp(tcp, host, udp.address().port, 'dns (tcp)');
      return { udp, tcp };
    } catch (err) {
      await closeUdp(udp);
      if (port !== 0 || attempt >= 10 || !isAirlockError(err, 'ADDRESS_IN_USE')) throw err;
    }
  }
}

function serveUdp(sock: dgram.Socket, slot: HandlerSlot, logger: Logger, counters?: ServiceCounters): void {
  // No per-send callback: a failed send (client gone, buffer full) surfaces as a socket 'error' event.
  const send = (out: Buffer | null, port: number, address: string) => {
    if (out) sock.send(out, port, address);
  };
  const client = { address: '', tcp: false }; // reused: handle() reads it synchronously and keeps no reference
  sock.on('message', (msg, rinfo) => {
    try {
      client.address = rinfo.address;
      const out = slot.handler.handle(msg, client);
      if (out instanceof Promise) {
        counters?.add('dns_forwarded');
        out.then((b) => send(b, rinfo.port, rinfo.address), (err) => logger.warn({ err }, 'dns: forward failed'));
      } else {
        counters?.dnsResponse(out);
        send(out, rinfo.port, rinfo.address);
      }
    } catch (err) {
      logger.error({ err }, 'dns: handler failed'); // a bug, but one bad packet must not stop the server
    }
  });
  sock.on('error', (err) => logger.warn({ err }, 'dns: udp socket error'));
}

/** RFC 7766: two-byte length prefix, several queries per connection, answers may come out of order. */
function serveTcp(server: net.Server, slot: HandlerSlot, logger: Logger, counters?: ServiceCounters): () => void {
  const open = new Set<net.Socket>();
  server.on('connection', (conn) => {
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    let buf = Buffer.alloc(0);
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    const write = (out: Buffer | null) => {
      if (!out || conn.destroyed) return;
      const len = Buffer.allocUnsafe(2);
      len.writeUInt16BE(out.length);
      conn.write(Buffer.concat([len, out]));
    };
    conn.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        try {
          const out = slot.handler.handle(msg, { address: conn.remoteAddress ?? '', tcp: true });
          if (out instanceof Promise) {
            counters?.add('dns_forwarded');
            out.then(write, (err) => logger.warn({ err }, 'dns: forward failed'));
          } else {
            counters?.dnsResponse(out);
            write(out);
          }
        } catch (err) {
          logger.error({ err }, 'dns: handler failed');
        }
      }
    });
  });
  return () => open.forEach((c) => c.destroy());
}

async function closeAll(udps: dgram.Socket[], tcps: net.Server[]): Promise<void> {
  await Promise.all(udps.map(closeUdp));
  await Promise.all(
    tcps.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
    })),
  );
}
