// Fuzz: ≥100k random and bit-flipped NTP packets through the pure responder, a few thousand over the
// real socket; it never throws, answers only 48-byte mode-4 packets to mode-3 requests, and keeps
// answering chronyd.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { SystemClock } from '../src/ntp/clock.js';
import { LocalSource } from '../src/ntp/local-source.js';
import { NtpResponder } from '../src/ntp/responder.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { splitHostPort } from './helpers/dns-tools.js';
import { fuzzPackets } from './helpers/dns-fuzz.js';
import { chronyOffset, clientRequest } from './helpers/ntp-tools.js';
import { fixtureSite } from './helpers/dns-site.js';

const COUNT = Number(process.env.AIRLOCK_FUZZ_COUNT ?? 120_000);
const VALID = [clientRequest(4), clientRequest(3), Buffer.concat([clientRequest(4), Buffer.alloc(20)]), Buffer.from([0x16, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])];

describe('ntp fuzz (in process)', () => {
  it(`survives ${COUNT} random and bit-flipped packets`, () => {
    const clock = new SystemClock();
    const responder = new NtpResponder({ clock, source: new LocalSource(clock, 8) });
    const bad: string[] = [];
    let answered = 0;
    for (const pkt of fuzzPackets(11, COUNT, VALID, 120)) {
      const out = responder.handle(pkt, '127.0.0.1');
      if (!out) continue;
      answered++;
      const mode = pkt[0]! & 7;
      const version = (pkt[0]! >> 3) & 7;
      const ok = pkt.length >= 48 && mode === 3 && version >= 1 && version <= 4 && out.length === 48 && (out[0]! & 7) === 4 && out.subarray(24, 32).equals(pkt.subarray(40, 48));
      if (!ok) bad.push(pkt.toString('hex'));
    }
    clock.close();
    expect(bad).toEqual([]);
    expect(answered).toBeGreaterThan(COUNT / 20);
  });
});

describe('ntp fuzz (real socket)', () => {
  let svc: NetworkServices;
  beforeAll(async () => {
    const { site } = fixtureSite((t) => t.replace('  stratum: 8', '  stratum: 8\n  rate-limit: { per-second: 0 }'));
    svc = await startNetworkServices(site, { logger: silentLogger, dns: false });
  });
  afterAll(() => svc?.close());

  it('keeps answering chronyd after 5000 fuzz datagrams', async () => {
    const [host, port] = splitHostPort(svc.addresses.ntp![0]!);
    const sock = dgram.createSocket('udp4');
    let i = 0;
    for (const pkt of fuzzPackets(12, 5000, VALID, 120)) {
      sock.send(pkt, Number(port), host);
      if (++i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    const r = await chronyOffset(Number(port), host, 1);
    expect(r.offset, r.stderr).toBeDefined();
  });
});
