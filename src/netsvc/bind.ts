// Binding listeners with errors a user can act on. Port 0 means "any free port"; the bound address is
// read back so callers (tests, `airlock serve`) can print and use it.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import net from 'node:net';
import { AirlockError } from '../core/errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export function formatAddress(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

export function bindError(err: NodeJS.ErrnoException, what: string, host: string, port: number): Error {
  const where = formatAddress(host, port);
  if (err.code === 'EADDRINUSE') return new AirlockError('ADDRESS_IN_USE', `${what}: ${where} is already in use`, { hint: 'stop the other server or choose another listen address', cause: err });
  if (err.code === 'EACCES') return new AirlockError('DENIED', `${what}: not allowed to listen on ${where}`, { hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE; or listen on a high port', cause: err });
  if (err.code === 'EADDRNOTAVAIL') return new AirlockError('USAGE', `${what}: ${host} is not an address of this machine`, { hint: 'use an address of a local interface, or 0.0.0.0', cause: err });
  return err;
}

/**
 * `client: true` for sockets that send queries of their own (NTP upstream polls): bound exclusively so
 * that under --workers each process gets its own random port instead of sharing one through cluster.
 */
export function bindUdp(host: string, port: number, what: string, opts: { client?: boolean } = {}): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    // Replies go to rinfo.address, always an IP literal: a synchronous lookup saves dns.lookup's
    // isIP() and process.nextTick on every send (a third of the per-packet cost at high rates).
    const sock = dgram.createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', lookup: literalLookup as unknown as dgram.SocketOptions['lookup'] });
    sock.once('error', (err) => {
      sock.close();
      reject(bindError(err as NodeJS.ErrnoException, what, host, port));
    });
    sock.bind({ port, address: host, exclusive: !!opts.client }, () => {
      sock.removeAllListeners('error');
      try {
        // Bigger socket buffers ride out bursts (benchmarks, many nodes booting at once).
        sock.setRecvBufferSize(4 * 1024 * 1024);
        sock.setSendBufferSize(4 * 1024 * 1024);
      } catch {
        // capped by net.core.rmem_max: the default still works
      }
      resolve(sock);
    });
  });
}

function literalLookup(address: string, _family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

export function bindTcp(server: net.Server, host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(bindError(err as NodeJS.ErrnoException, what, host, port));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeUdp(sock: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      sock.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
