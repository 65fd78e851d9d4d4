// A few Prometheus counters in the text exposition format. Hand-written: four counters do not justify
// a metrics library on the request hot path.
export class Metrics {
  private readonly requests = new Map<string, number>();
  bytesSent = 0;
  readonly startedAt = Date.now();
  /** More exposition lines from outside HTTP (the DNS and NTP counters). */
  private readonly sources: Array<() => string[]> = [];

  addSource(lines: () => string[]): void {
    this.sources.push(lines);
  }

  countRequest(prefix: string, status: number): void {
    const key = `${prefix}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      '# HELP airlock_http_requests_total HTTP requests by route prefix and status.',
      '# TYPE airlock_http_requests_total counter',
    ];
    for (const [key, n] of this.requests) {
      const [prefix, status] = key.split('\u0000');
      lines.push(`airlock_http_requests_total{prefix="${prefix}",status="${status}"} ${n}`);
    }
    lines.push('# HELP airlock_http_response_bytes_total Body bytes sent.', '# TYPE airlock_http_response_bytes_total counter');
    lines.push(`airlock_http_response_bytes_total ${this.bytesSent}`);
    lines.push('# HELP airlock_uptime_seconds Seconds since the server started.', '# TYPE airlock_uptime_seconds gauge');
    lines.push(`airlock_uptime_seconds ${Math.round((Date.now() - this.startedAt) / 1000)}`);
    for (const source of this.sources) lines.push(...source());
    return lines.join('\n') + '\n';
  }
}

/** The first path segment, as a low-cardinality label. */
export function prefixLabel(path: string): string {
  const m = /^\/[^/]*/.exec(path);
  return m ? m[0] : '/';
}
