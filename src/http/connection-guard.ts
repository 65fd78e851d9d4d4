// Applies HttpLimits to a node:http(s) server: the total cap (net.Server maxConnections, which closes
// the connection at accept), the per-address cap, the idle and stall timeouts, and one log line per
// reason every few seconds saying what was refused and which setting to raise.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../core/log.js';
import type { HttpLimits } from './limits.js';

const LOG_EVERY_MS = 10_000;

export interface ConnectionCounts {
  /** Connections open now (past the per-address check). */
  open: number;
  /** Connections closed at accept, by the setting that refused them. */
  refused: Record<'max-connections' | 'max-connections-per-client', number>;
}

export function guardConnections(server: Server, limits: HttpLimits, log: Logger, opts: { tls: boolean }): ConnectionCounts {
  const counts: ConnectionCounts = { open: 0, refused: { 'max-connections': 0, 'max-connections-per-client': 0 } };
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.requestTimeout = 0; // a large download or a slow push may take hours; stallTimeout watches progress
  server.timeout = limits.stallTimeoutMs;
  const refusals = new RefusalLog(log);
  server.on('drop', (d?: { remoteAddress?: string }) => {
    counts.refused['max-connections']++;
    refusals.note('max-connections', { limit: limits.maxConnections, remote: d?.remoteAddress }, 'HTTP connection refused: too many open connections; raise http.limits.max-connections in site.yaml (and the open-file limit) if this is real load');
  });
  const perClient = new Map<string, number>();
  // Prepended, so a refused socket is gone before the HTTP parser is attached to it.
  server.prependListener('connection', (socket: Socket) => {
    const remote = socket.remoteAddress ?? '';
    const open = perClient.get(remote) ?? 0;
    if (open >= limits.maxConnectionsPerClient) {
      counts.refused['max-connections-per-client']++;
      refusals.note('max-connections-per-client', { limit: limits.maxConnectionsPerClient, remote }, 'HTTP connection refused: too many open connections from one address; raise http.limits.max-connections-per-client in site.yaml if this client is legitimate');
      socket.destroy();
      return;
    }
    perClient.set(remote, open + 1);
    counts.open++;
    socket.once('close', () => {
      counts.open--;
      const left = perClient.get(remote)! - 1;
      if (left === 0) perClient.delete(remote);
      else perClient.set(remote, left);
    });
  });
  // Node's keep-alive timeout starts only after a first response: until then a silent connection is
  // idle too (and over TLS, headersTimeout starts only after the handshake).
  server.on(opts.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (!socket.destroyed) socket.setTimeout(limits.idleTimeoutMs);
  });
  server.on('request', (req) => req.socket.setTimeout(limits.stallTimeoutMs));
  return counts;
}

/** Prometheus lines for /metrics: open and refused connections, and downloads waiting for a send buffer. */
export function connectionMetrics(counts: ConnectionCounts, pool: { stats(): { waiting: number } }): string[] {
  return [
    '# HELP airlock_http_connections Open HTTP connections.',
    '# TYPE airlock_http_connections gauge',
    `airlock_http_connections ${counts.open}`,
    '# HELP airlock_http_connections_refused_total HTTP connections closed at accept, by the http.limits setting that refused them.',
    '# TYPE airlock_http_connections_refused_total counter',
    ...Object.entries(counts.refused).map(([limit, n]) => `airlock_http_connections_refused_total{limit="${limit}"} ${n}`),
    '# HELP airlock_http_send_buffer_waits Downloads waiting for a send buffer right now (http.limits.send-buffers-mib).',
    '# TYPE airlock_http_send_buffer_waits gauge',
    `airlock_http_send_buffer_waits ${pool.stats().waiting}`,
  ];
}

/** At most one line per reason every LOG_EVERY_MS, counting what it left out. */
class RefusalLog {
  private readonly state = new Map<string, { last: number; count: number; fields: Record<string, unknown>; timer?: NodeJS.Timeout }>();

  constructor(private readonly log: Logger) {}

  note(reason: string, fields: Record<string, unknown>, message: string): void {
    const s = this.state.get(reason) ?? { last: -Infinity, count: 0, fields };
    this.state.set(reason, s);
    s.count++;
    s.fields = fields; // the latest refused address stands for the batch
    const flush = () => {
      this.log.warn({ reason, refused: s.count, ...s.fields }, message);
      s.last = Date.now();
      s.count = 0;
      s.timer = undefined;
    };
    if (Date.now() - s.last >= LOG_EVERY_MS) flush();
    else s.timer ??= setTimeout(flush, s.last + LOG_EVERY_MS - Date.now()).unref();
  }
}
