// NTP server mode on the local clock: chronyd -Q as the real client; every header field checked on a
// reply to a v3 and a v4 request; mode 6 (ntpq), mode 7 (ntpdc monlist), short and other-mode packets
// never answered; Kiss-o'-Death RATE for a source over its rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { decodeNtp, refidText } from '../src/ntp/packet.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { splitHostPort } from './helpers/dns-tools.js';
import { chronyOffset, clientRequest, exchange, OFFSET_BOUND_S } from './helpers/ntp-tools.js';
import { fixtureSite } from './helpers/dns-site.js';

let svc: NetworkServices;
let port: number;

beforeAll(async () => {
  const { site } = fixtureSite();
  svc = await startNetworkServices(site, { logger: silentLogger, dns: false });
  port = Number(splitHostPort(svc.addresses.ntp![0]!)[1]);
});
afterAll(() => svc?.close());

describe('ntp server, local clock', () => {
  it('chronyd -Q measures a small offset against it', async () => {
    const r = await chronyOffset(port);
    expect(r.offset, r.stderr).toBeDefined();
    expect(Math.abs(r.offset!)).toBeLessThan(OFFSET_BOUND_S);
  });

  it.each([3, 4])('answers a v%i client request with every field set honestly', async (version) => {
    const req = clientRequest(version, 10);
    const raw = await exchange(req, port);
    expect(raw).toBeDefined();
    expect(raw!.length).toBe(48);
    const p = decodeNtp(raw!)!;
    expect({ leap: p.leap, version: p.version, mode: p.mode, stratum: p.stratum, poll: p.poll }).toEqual({ leap: 0, version, mode: 4, stratum: 8, poll: 10 });
    expect(refidText(p.refid, 1)).toBe('LOCL');
    expect(raw!.subarray(24, 32).equals(req.subarray(40, 48))).toBe(true); // origin = our transmit
    expect(p.precision).toBeGreaterThanOrEqual(-30);
    expect(p.precision).toBeLessThanOrEqual(-10);
    expect(p.rootDelay).toBe(0);
    expect(p.rootDispersion).toBeGreaterThan(0);
    expect(p.rootDispersion).toBeLessThan(0.01);
    expect(p.transmit).toBeGreaterThanOrEqual(p.receive);
    expect(p.reference).toBeLessThanOrEqual(p.transmit);
    expect(Math.abs(p.transmit - (Date.now() / 1000 + 2208988800))).toBeLessThan(1);
  });

  it('never answers a mode 6 query (as ntpq sends it) or a mode 7 monlist request', async () => {
    // ntpq "rv 0": LI 0, VN 2, mode 6; opcode 2 (read variables), sequence 1, association 0, no data.
    const mode6 = Buffer.from([0x16, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
    const mode6Padded = Buffer.concat([mode6, Buffer.alloc(36)]);
    // ntpdc monlist: response 0, version 2, mode 7; implementation 3 (XNTPD), request 42 (MON_GETLIST_1).
    const mode7 = Buffer.concat([Buffer.from([0x17, 0x00, 0x03, 0x2a]), Buffer.alloc(44)]);
    for (const pkt of [mode6, mode6Padded, mode7]) expect(await exchange(pkt, port, '127.0.0.1', 500)).toBeUndefined();
    expect(await exchange(clientRequest(4), port)).toBeDefined(); // and it is still alive
  });

  it('never answers packets shorter than 48 bytes, server/broadcast/symmetric modes, or versions 0 and 5+', async () => {
    const short = clientRequest(4).subarray(0, 47);
    const asMode = (mode: number) => Buffer.from(clientRequest(4).map((b, i) => (i === 0 ? (4 << 3) | mode : b)));
    const asVersion = (v: number) => clientRequest(v);
    for (const pkt of [short, asMode(1), asMode(2), asMode(4), asMode(5), asVersion(0), asVersion(5), asVersion(7)]) {
      expect(await exchange(pkt, port, '127.0.0.1', 300)).toBeUndefined();
    }
  });
});

describe("rate limiting with Kiss-o'-Death", () => {
  it('sends KoD RATE to a source over its rate, then stays silent', async () => {
    const { site } = fixtureSite((t) => t.replace('  stratum: 8', '  stratum: 8\n  rate-limit: { per-second: 1, burst: 3 }'));
    const limited = await startNetworkServices(site, { logger: silentLogger, dns: false });
    try {
      const p = Number(splitHostPort(limited.addresses.ntp![0]!)[1]);
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await exchange(clientRequest(4), p, '127.0.0.1', 300));
      const kinds = replies.map((r) => (r ? (decodeNtp(r)!.stratum === 0 ? refidText(decodeNtp(r)!.refid, 0 + 1) : 'time') : 'none'));
      expect(kinds).toEqual(['time', 'time', 'time', 'RATE', 'none', 'none']);
      const kod = decodeNtp(replies[3]!)!;
      expect(kod.leap).toBe(3);
      expect(kod.mode).toBe(4);
    } finally {
      await limited.close();
    }
  });
});
