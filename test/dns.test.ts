// The authoritative DNS server answering the real clients dig and kdig over UDP and TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { dig, kdig } from './helpers/dns-tools.js';
import { BIG_TXT, fixtureSite } from './helpers/dns-site.js';

let svc: NetworkServices;
let server: string;

beforeAll(async () => {
  const { site } = fixtureSite();
  svc = await startNetworkServices(site, { logger: silentLogger, ntp: false });
  server = svc.addresses.dns![0]!;
});
afterAll(() => svc?.close());

const data = (rows: string[][]) => rows.map((r) => `${r[3]} ${r.slice(4).join(' ')}`);

describe('authoritative answers (dig, UDP)', () => {
  it.each([
    ['admin.airgap.internal', 'A', ['A 192.168.10.10']],
    ['cp1.airgap.internal', 'A', ['A 192.168.10.11']],
    ['registry.airgap.internal', 'A', ['A 192.168.10.10']],
    ['repo.airgap.internal', 'A', ['A 192.168.10.10']],
    ['v6node.airgap.internal', 'AAAA', ['AAAA fd00:10::21']],
    ['ext6.airgap.internal', 'AAAA', ['AAAA fd00:20::5']],
    ['info.airgap.internal', 'TXT', ['TXT "hello world"']],
    ['_https._tcp.registry.airgap.internal', 'SRV', ['SRV 0 5 443 registry.airgap.internal.']],
    ['airgap.internal', 'NS', ['NS admin.airgap.internal.']],
    ['www.airgap.internal', 'CNAME', ['CNAME registry.airgap.internal.']],
  ])('%s %s', async (name, type, expected) => {
    const r = await dig(server, [name, type]);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(data(r.answers)).toEqual(expected);
  });

  it('SOA names the admin server and the hostmaster', async () => {
    const r = await dig(server, ['airgap.internal', 'SOA']);
    expect(r.answers[0]!.slice(3, 6)).toEqual(['SOA', 'admin.airgap.internal.', 'hostmaster.airgap.internal.']);
  });

  it('follows CNAME chains inside the zone, and stops at one that leaves it', async () => {
    const r = await dig(server, ['chain.airgap.internal', 'A']);
    expect(data(r.answers)).toEqual(['CNAME www.airgap.internal.', 'CNAME registry.airgap.internal.', 'A 192.168.10.10']);
    const out = await dig(server, ['outside.airgap.internal', 'A']);
    expect(out.status).toBe('NOERROR');
    expect(data(out.answers)).toEqual(['CNAME mirror.example.']);
  });

  it('uses the record TTL given in site.yaml', async () => {
    const r = await dig(server, ['extra4.airgap.internal', 'A']);
    expect(r.answers[0]![1]).toBe('60');
  });

  it('preserves the case of the question', async () => {
    const r = await dig(server, ['ReGiStRy.AirGap.Internal', 'A']);
    expect(r.question).toBe('ReGiStRy.AirGap.Internal.\tIN\tA'.replace(/\t/g, '\t'));
    expect(data(r.answers)).toEqual(['A 192.168.10.10']);
  });

  it('answers PTR in in-addr.arpa and ip6.arpa for every address', async () => {
    expect(data((await dig(server, ['-x', '192.168.10.11'])).answers)).toEqual(['PTR cp1.airgap.internal.']);
    expect(data((await dig(server, ['-x', '192.168.10.10'])).answers)).toEqual(['PTR admin.airgap.internal.']);
    expect(data((await dig(server, ['-x', 'fd00:10::21'])).answers)).toEqual(['PTR v6node.airgap.internal.']);
    expect(data((await dig(server, ['-x', '10.20.30.40'])).answers)).toEqual(['PTR extra4.airgap.internal.']);
    const soa = await dig(server, ['10.168.192.in-addr.arpa', 'SOA']);
    expect(soa.flags).toContain('aa');
    const missing = await dig(server, ['-x', '192.168.10.99']);
    expect(missing.status).toBe('NXDOMAIN');
    expect(missing.authority[0]![0]).toBe('10.168.192.in-addr.arpa.');
  });

  it('NXDOMAIN and NODATA carry the SOA in authority', async () => {
    const nx = await dig(server, ['nope.airgap.internal', 'A']);
    expect(nx.status).toBe('NXDOMAIN');
    expect(nx.flags).toContain('aa');
    expect(nx.authority[0]![3]).toBe('SOA');
    const nodata = await dig(server, ['cp1.airgap.internal', 'MX']);
    expect(nodata.status).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authority[0]![3]).toBe('SOA');
    const ent = await dig(server, ['_tcp.registry.airgap.internal', 'A']); // empty non-terminal
    expect(ent.status).toBe('NOERROR');
  });

  it('refuses names outside its zones for clients outside allow-recursion (never an open resolver)', async () => {
    const r = await dig(server, ['example.com', 'A']);
    expect(r.status).toBe('REFUSED');
    expect(r.answers).toEqual([]);
  });

  it('answers EDNS queries with OPT advertising 1232, and plain ones without OPT', async () => {
    const e = await dig(server, ['registry.airgap.internal', 'A', '+edns=0']);
    expect(e.text).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
    const plain = await dig(server, ['registry.airgap.internal', 'A', '+noedns']);
    expect(plain.text).not.toMatch(/EDNS/);
    expect(data(plain.answers)).toEqual(['A 192.168.10.10']);
  });

  it('truncates (TC) for a small buffer; the full answer comes over TCP', async () => {
    const small = await dig(server, ['big.airgap.internal', 'TXT', '+bufsize=512', '+ignore']);
    expect(small.flags).toContain('tc');
    expect(small.answers).toEqual([]);
    const noedns = await dig(server, ['big.airgap.internal', 'TXT', '+noedns', '+ignore']);
    expect(noedns.flags).toContain('tc');
    const tcp = await dig(server, ['big.airgap.internal', 'TXT', '+tcp']);
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.answers[0]!.slice(4).join('').replace(/"/g, '')).toBe(BIG_TXT);
    const retried = await dig(server, ['big.airgap.internal', 'TXT', '+bufsize=512']); // dig retries over TCP itself
    expect(retried.answers.length).toBe(1);
  });

  it('BADVERS for EDNS version 1, NOTIMP for NOTIFY, REFUSED for CHAOS and AXFR', async () => {
    const badvers = await dig(server, ['registry.airgap.internal', 'A', '+edns=1', '+noednsneg']);
    expect(badvers.status).toBe('BADVERS');
    expect((await dig(server, ['airgap.internal', 'SOA', '+opcode=notify'])).status).toBe('NOTIMP');
    expect((await dig(server, ['-c', 'CH', 'version.bind', 'TXT'])).status).toBe('REFUSED');
    const axfr = await dig(server, ['airgap.internal', 'AXFR']);
    expect(axfr.text).toMatch(/REFUSED|Transfer failed/);
  });
});

describe('kdig over UDP and TCP', () => {
  it.each([['+notcp'], ['+tcp']])('answers A, AAAA, PTR, TXT, SRV and NXDOMAIN with %s', async (mode) => {
    const a = await kdig(server, [mode, 'CP1.airgap.internal', 'A']);
    expect(a.status).toBe('NOERROR');
    expect(a.text).toMatch(/cp1\.airgap\.internal\.\s+300\s+IN\s+A\s+192\.168\.10\.11/i);
    expect((await kdig(server, [mode, 'v6node.airgap.internal', 'AAAA'])).text).toMatch(/AAAA\s+fd00:10::21/);
    expect((await kdig(server, [mode, '-x', '192.168.10.21'])).text).toMatch(/PTR\s+w1\.airgap\.internal\./);
    expect((await kdig(server, [mode, 'info.airgap.internal', 'TXT'])).text).toMatch(/TXT\s+"hello world"/);
    expect((await kdig(server, [mode, '_https._tcp.registry.airgap.internal', 'SRV'])).text).toMatch(/SRV\s+0 5 443 registry\.airgap\.internal\./);
    expect((await kdig(server, [mode, 'nope.airgap.internal', 'A'])).status).toBe('NXDOMAIN');
    expect((await kdig(server, [mode, 'example.org', 'A'])).status).toBe('REFUSED');
  });

  it('+dnssec off and small +bufsize: TC over UDP, complete over TCP', async () => {
    const udp = await kdig(server, ['+notcp', '+nodnssec', '+bufsize=512', '+ignore', 'big.airgap.internal', 'TXT']);
    expect(udp.flags).toContain('tc');
    const tcp = await kdig(server, ['+tcp', '+nodnssec', 'big.airgap.internal', 'TXT']);
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.text).toContain(BIG_TXT.slice(0, 200));
  });

  it('echoes the DO bit when the client sets it', async () => {
    const r = await kdig(server, ['+dnssec', 'registry.airgap.internal', 'A']);
    expect(r.text).toMatch(/EDNS PSEUDOSECTION:[\s\S]*flags: do/);
  });
});

describe('IPv6 listener', () => {
  it('listens on [::1]:0 and answers dig over UDP and TCP there', async () => {
    const { site } = fixtureSite();
    const v6 = await startNetworkServices(site, { logger: silentLogger, ntp: false, listenOverride: { dns: ['[::1]:0'] } });
    try {
      const address = v6.addresses.dns![0]!;
      expect(address).toMatch(/^\[::1\]:\d+$/);
      expect(data((await dig(address, ['v6node.airgap.internal', 'AAAA'])).answers)).toEqual(['AAAA fd00:10::21']);
      expect(data((await dig(address, ['+tcp', 'cp1.airgap.internal', 'A'])).answers)).toEqual(['A 192.168.10.11']);
      expect((await dig(address, ['example.com', 'A'])).status).toBe('REFUSED');
    } finally {
      await v6.close();
    }
  });
});
