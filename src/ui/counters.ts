// The counters /metrics exposes, read back from its text: the dashboard shows exactly what Prometheus
// would scrape, from one source, without a second set of counters to keep in step.

export interface Counters {
  http: { prefix: string; status: string; requests: number }[];
  bytesSent: number;
  uptimeSeconds: number;
  /** Absent when serve runs without site.yaml's DNS and NTP. */
  dns?: Record<string, number>;
  ntp?: Record<string, number>;
}

const LINE = /^([a-z_]+)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-z_]+)="((?:[^"\\]|\\.)*)"/g;

export function parseCounters(exposition: string): Counters {
  const out: Counters = { http: [], bytesSent: 0, uptimeSeconds: 0 };
  for (const line of exposition.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    const value = Number(m[3]);
    switch (m[1]) {
      case 'airlock_http_requests_total':
        out.http.push({ prefix: labels.prefix ?? '', status: labels.status ?? '', requests: value });
        break;
      case 'airlock_http_response_bytes_total':
        out.bytesSent = value;
        break;
      case 'airlock_uptime_seconds':
        out.uptimeSeconds = value;
        break;
      case 'airlock_dns_responses_total':
        (out.dns ??= {})[labels.result ?? ''] = value;
        break;
      case 'airlock_ntp_requests_total':
        (out.ntp ??= {})[labels.result ?? ''] = value;
        break;
    }
  }
  out.http.sort((a, b) => a.prefix.localeCompare(b.prefix) || a.status.localeCompare(b.status));
  return out;
}
