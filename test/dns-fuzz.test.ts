// Fuzz: ≥100k random and bit-flipped packets through the pure handler, then a few thousand over the
// real UDP and TCP sockets; the server never throws or dies and keeps answering valid queries (dig).
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createDnsHandler } from '../src/dns/index.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { dig, splitHostPort } from './helpers/dns-tools.js';
import { fuzzPackets } from './helpers/dns-fuzz.js';
import { fixtureSite } from './helpers/dns-site.js';

const COUNT = Number(process.env.AIRLOCK_FUZZ_COUNT ?? 120_000);

const q = (name: string, type: string, extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' }], ...extra });
const VALID = [
  q('registry.airgap.internal', 'A'),
  q('cp1.airgap.internal', 'AAAA', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer] }),
  q('big.airgap.internal', 'TXT', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 512, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer] }),
  q('11.10.168.192.in-addr.arpa', 'PTR'),
  q('nope.airgap.internal', 'SRV'),
  q('example.com', 'A'),
  q('chain.airgap.internal', 'ANY'),
];

const { site } = fixtureSite();

describe('dns fuzz (in process)', () => {
  it(`survives ${COUNT} random and bit-flipped packets and answers only well-formed responses`, () => {
    const handler = createDnsHandler(site);
    let answered = 0;
    const bad: string[] = []; // collected, not expect()ed per packet: 240k expects would take a minute
    for (const pkt of fuzzPackets(1, COUNT, VALID, 600)) {
      for (const tcp of [false, true]) {
        const out = handler.handle(pkt, { address: tcp ? '127.0.0.9' : '127.0.0.1', tcp });
        if (out === null) continue;
        answered++;
        // no forwarders: nothing is asynchronous; ID echoed; QR set; UDP answers within the limit
        if (!(out instanceof Buffer) || out.length < 12 || out.readUInt16BE(0) !== pkt.readUInt16BE(0) || !(out[2]! & 0x80) || (!tcp && out.length > 1500)) {
          bad.push(pkt.toString('hex'));
        }
      }
    }
    expect(bad).toEqual([]);
    expect(answered).toBeGreaterThan(COUNT / 10);
    const ok = handler.handle(VALID[0]!, { address: '127.0.0.1', tcp: false }) as Buffer;
    expect(dnsPacket.decode(ok).answers?.[0]).toMatchObject({ type: 'A', data: '192.168.10.10' });
  });

  it('every response to a mutated query decodes with dns-packet (sample of 20k)', () => {
    const handler = createDnsHandler(site);
    for (const pkt of fuzzPackets(2, 20_000, VALID, 300)) {
      const out = handler.handle(pkt, { address: '127.0.0.1', tcp: false }) as Buffer | null;
      if (out) expect(() => dnsPacket.decode(out)).not.toThrow();
    }
  });
});

describe('dns fuzz (real sockets)', () => {
  let svc: NetworkServices;
  beforeAll(async () => {
    svc = await startNetworkServices(site, { logger: silentLogger, ntp: false });
  });
  afterAll(() => svc?.close());

  it('keeps answering dig after 5000 fuzz datagrams and 500 fuzz TCP messages', async () => {
    const [host, port] = splitHostPort(svc.addresses.dns![0]!);
    const sock = dgram.createSocket('udp4');
    let i = 0;
    for (const pkt of fuzzPackets(3, 5000, VALID, 600)) {
      sock.send(pkt, Number(port), host);
      if (++i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    const conn = net.connect(Number(port), host);
    await new Promise((r) => conn.once('connect', r));
    conn.on('error', () => undefined); // the server may drop a connection carrying garbage
    for (const pkt of fuzzPackets(4, 500, VALID, 600)) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(pkt.length);
      conn.write(Buffer.concat([len, pkt]));
    }
    await new Promise((r) => setTimeout(r, 300));
    conn.destroy();
    sock.close();
    const r = await dig(svc.addresses.dns![0]!, ['registry.airgap.internal', 'A']);
    expect(r.answers.map((a) => a[4])).toEqual(['192.168.10.10']);
    const t = await dig(svc.addresses.dns![0]!, ['+tcp', 'registry.airgap.internal', 'A']);
    expect(t.answers.map((a) => a[4])).toEqual(['192.168.10.10']);
  });
});
