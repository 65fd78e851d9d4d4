// airlock following an upstream NTP server (a real chronyd the test starts): it polls it as a client,
// serves stratum+1 with the upstream's address as refid and accumulated root delay, chronyd -Q accepts
// it, and once the upstream is gone past the limit replies say unsynchronised (LI=3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { decodeNtp, refidText } from '../src/ntp/packet.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { splitHostPort } from './helpers/dns-tools.js';
import { chronyOffset, clientRequest, exchange, OFFSET_BOUND_S, startChronyServer } from './helpers/ntp-tools.js';
import { fixtureSite } from './helpers/dns-site.js';

let upstream: Awaited<ReturnType<typeof startChronyServer>>;
let svc: NetworkServices;
let port: number;

const query = async () => decodeNtp((await exchange(clientRequest(4), port))!)!;

beforeAll(async () => {
  upstream = await startChronyServer(5);
  const { site } = fixtureSite((t) =>
    t.replace('  stratum: 8', `  upstream: [ "127.0.0.1:${upstream.port}" ]\n  poll: 1\n  unsynchronised-after: 3\n  rate-limit: { per-second: 0 }`),
  );
  svc = await startNetworkServices(site, { logger: silentLogger, dns: false });
  port = Number(splitHostPort(svc.addresses.ntp![0]!)[1]);
});
afterAll(async () => {
  await svc?.close();
  await upstream?.stop();
});

describe('following an upstream chronyd', () => {
  it('serves stratum upstream+1 with the upstream address as refid once it has a sample', async () => {
    let p = await query();
    for (let i = 0; i < 30 && p.leap === 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      p = await query();
    }
    expect(p.leap).toBe(0);
    expect(p.stratum).toBe(6);
    expect(refidText(p.refid, p.stratum)).toBe('127.0.0.1');
    expect(p.rootDelay).toBeGreaterThan(0); // the upstream's (0) plus the measured round trip
    expect(p.rootDelay).toBeLessThan(0.5); // generous: the first sample may come from a cold, loaded process
    expect(p.rootDispersion).toBeGreaterThan(0);
  });

  it('chronyd -Q accepts airlock as a server and measures a small offset', async () => {
    const r = await chronyOffset(port);
    expect(r.offset, r.stderr).toBeDefined();
    expect(Math.abs(r.offset!)).toBeLessThan(OFFSET_BOUND_S);
  });

  it('says unsynchronised (LI=3, stratum 16) when the upstream is lost past the limit', async () => {
    await upstream.stop();
    await new Promise((r) => setTimeout(r, 4500));
    const p = await query();
    expect(p.leap).toBe(3);
    expect(p.stratum).toBe(16);
    const r = await chronyOffset(port, '127.0.0.1', 1);
    expect(r.offset).toBeUndefined(); // a real client refuses an unsynchronised server
  });
});

describe('on-wire arithmetic (RFC 5905 8)', () => {
  it('offset and delay from the four timestamps', async () => {
    const { computeSample, upstreamRefid } = await import('../src/ntp/upstream.js');
    // server 0.5 s ahead, 0.1 s each way, 10 ms inside the server
    const reply = { receive: 100.6, transmit: 100.61 } as Parameters<typeof computeSample>[1];
    const s = computeSample(100, reply, 100.21);
    expect(s.offset).toBeCloseTo(0.5, 9);
    expect(s.delay).toBeCloseTo(0.2, 9);
    expect(upstreamRefid('10.1.1.123')).toBe(0x0a01017b);
  });
});
