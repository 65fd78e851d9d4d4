// How many HTTP connections serve holds, and for how long. Without these, idle and slowloris connections
// stayed open forever and 20,000 held connections from one client used every file descriptor: HTTP
// answered nothing and DNS over TCP (same process, other thread) could not accept either.
import { readFileSync } from 'node:fs';
import { DEFAULT_SEND_POOL, type SendPoolLimits } from './send-pool.js';

export interface HttpLimits {
  /** Connections open at once, all clients together. */
  maxConnections: number;
  /** Connections open at once from one address. */
  maxConnectionsPerClient: number;
  /** The request line and headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** A connection with no request in progress is closed after this: before its first request and between keep-alive requests. */
  idleTimeoutMs: number;
  /**
   * A connection on which no byte moves either way for this long is closed: a stalled push body or a
   * download the client stopped reading. Progress-based, so a large or slow transfer that keeps moving
   * is never cut (there is no total request time limit).
   */
  stallTimeoutMs: number;
  /** Send buffers shared by all downloads (send-pool.ts). */
  sendBuffers: SendPoolLimits;
}

/**
 * Sized for about 1,000 nodes: a node's containerd pulls three layers at once, so a few thousand
 * connections in all, a few dozen from any one address.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 8192,
  maxConnectionsPerClient: 128,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  stallTimeoutMs: 120_000,
  sendBuffers: DEFAULT_SEND_POOL,
};

/**
 * The most HTTP connections the open-file limit can carry: each may hold a socket and an open blob
 * (or an upload's temp file), and a reserve stays free for the store, the catalog, logs and the DNS/NTP
 * sockets, so HTTP load can never starve them. Node raises the soft limit to the hard limit at start,
 * so this is the hard limit (LimitNOFILE= in systemd, `ulimit -Hn`).
 */
export function connectionsForFileLimit(openFiles: number): number {
  const reserve = Math.min(1024, Math.max(64, Math.floor(openFiles / 4)));
  return Math.max(1, Math.floor((openFiles - reserve) / 2));
}

/** This process's soft open-file limit (Linux /proc); undefined elsewhere. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** The configured (or default) limits, with the connection cap lowered to what the open-file limit carries. */
export function effectiveLimits(configured: Partial<HttpLimits>, openFiles = openFileLimit()): HttpLimits & { fileLimited: boolean } {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...configured };
  const carried = openFiles === undefined ? Infinity : connectionsForFileLimit(openFiles);
  const fileLimited = carried < limits.maxConnections;
  return { ...limits, maxConnections: Math.min(limits.maxConnections, carried), fileLimited };
}
