// Counters of the DNS and NTP listeners, kept in shared memory so `airlock serve`'s /metrics reads what
// its DNS/NTP thread counts without a message per query. One writer (the listeners' thread) and
// aligned 64-bit slots: a reader never sees a torn value on the 64-bit platforms Node runs on.

/** Outcome of one datagram or TCP message, read off the response the listener is about to send. */
const OUTCOMES = ['dns_noerror', 'dns_nxdomain', 'dns_refused', 'dns_error', 'dns_forwarded', 'dns_dropped', 'ntp_answered', 'ntp_kod', 'ntp_dropped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const RCODE_OUTCOME: Record<number, Outcome> = { 0: 'dns_noerror', 3: 'dns_nxdomain', 5: 'dns_refused' };
const SLOT = Object.fromEntries(OUTCOMES.map((o, i) => [o, i])) as Record<Outcome, number>;

export class ServiceCounters {
  private readonly slots: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8 * OUTCOMES.length)) {
    this.slots = new Float64Array(buffer);
  }

  add(outcome: Outcome): void {
    this.slots[SLOT[outcome]]! += 1;
  }

  /** A DNS response about to be sent (null: nothing is sent). */
  dnsResponse(out: Buffer | null): void {
    this.add(out === null ? 'dns_dropped' : (RCODE_OUTCOME[out[3]! & 0x0f] ?? 'dns_error'));
  }

  /** An NTP reply about to be sent: stratum 0 is a Kiss-o'-Death. */
  ntpResponse(out: Buffer | null | undefined): void {
    this.add(!out ? 'ntp_dropped' : out[1] === 0 ? 'ntp_kod' : 'ntp_answered');
  }

  get(outcome: Outcome): number {
    return this.slots[SLOT[outcome]]!;
  }

  /** Prometheus text lines. */
  render(): string[] {
    const line = (metric: string, label: string, outcome: Outcome) => `${metric}{result="${label}"} ${this.get(outcome)}`;
    return [
      '# HELP airlock_dns_responses_total DNS queries by what was answered (forwarded: sent on to a forwarder; dropped: no answer, e.g. rate-limited).',
      '# TYPE airlock_dns_responses_total counter',
      ...(['noerror', 'nxdomain', 'refused', 'error', 'forwarded', 'dropped'] as const).map((r) => line('airlock_dns_responses_total', r, `dns_${r}`)),
      '# HELP airlock_ntp_requests_total NTP requests by outcome (kod: Kiss-o\'-Death RATE; dropped: not answered).',
      '# TYPE airlock_ntp_requests_total counter',
      ...(['answered', 'kod', 'dropped'] as const).map((r) => line('airlock_ntp_requests_total', r, `ntp_${r}`)),
    ];
  }
}
