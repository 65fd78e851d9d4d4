// Forwarding names outside our zones to the "corporate" resolver (a real dnsmasq the test starts), only
// for clients inside allow-recursion; TCP retry when the forwarder truncates; SERVFAIL when it is gone.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { dig, kdig } from './helpers/dns-tools.js';
import { freePort, startDnsmasq, type Peer } from './helpers/dns-peers.js';
import { fixtureSite } from './helpers/dns-site.js';

// 8 strings of 200 bytes: 1.6 kB, more than dnsmasq's 1232-byte UDP answers can carry.
const LONG = Array.from({ length: 8 }, (_, i) => String.fromCharCode(97 + i).repeat(200));

let corp: Peer;
let svc: NetworkServices;
let server: string;

beforeAll(async () => {
  corp = await startDnsmasq(['--local=/corp.example/', '--host-record=corp.example,10.9.8.7', '--host-record=v6.corp.example,fd00:99::7', `--txt-record=long.corp.example,${LONG.join(',')}`]);
  const { site } = fixtureSite((t) => t.replace('allow-recursion: [ "127.0.0.2/32" ]', `allow-recursion: [ "127.0.0.2/32" ]\n  forwarders: [ "127.0.0.1:${corp.port}" ]`));
  svc = await startNetworkServices(site, { logger: silentLogger, ntp: false });
  server = svc.addresses.dns![0]!;
});
afterAll(async () => {
  await svc?.close();
  await corp?.stop();
});

describe('forwarding', () => {
  it('forwards for a client inside allow-recursion (dig -b 127.0.0.2)', async () => {
    const r = await dig(server, ['-b', '127.0.0.2', 'corp.example', 'A']);
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('ra');
    expect(r.flags).not.toContain('aa');
    expect(r.answers.map((a) => a[4])).toEqual(['10.9.8.7']);
    const v6 = await kdig(server, ['-b', '127.0.0.2', 'v6.corp.example', 'AAAA']);
    expect(v6.text).toMatch(/AAAA\s+fd00:99::7/);
  });

  it('passes the forwarder NXDOMAIN through', async () => {
    const r = await dig(server, ['-b', '127.0.0.2', 'missing.corp.example', 'A']);
    expect(r.status).toBe('NXDOMAIN');
  });

  it('REFUSES the same question from outside allow-recursion', async () => {
    const r = await dig(server, ['-b', '127.0.0.1', 'corp.example', 'A']);
    expect(r.status).toBe('REFUSED');
    expect(r.answers).toEqual([]);
  });

  it('retries over TCP when the forwarder truncates, and answers a TCP client in full', async () => {
    const r = await kdig(server, ['-b', '127.0.0.2', '+tcp', 'long.corp.example', 'TXT']);
    expect(r.status).toBe('NOERROR');
    for (const s of LONG) expect(r.text).toContain(s);
    const udp = await dig(server, ['-b', '127.0.0.2', '+ignore', 'long.corp.example', 'TXT']);
    expect(udp.flags).toContain('tc'); // too big for this client's 1232 bytes: it must come back over TCP
  });

  it('still answers its own zone authoritatively for recursive clients', async () => {
    const r = await dig(server, ['-b', '127.0.0.2', 'registry.airgap.internal', 'A']);
    expect(r.flags).toContain('aa');
    expect(r.answers.map((a) => a[4])).toEqual(['192.168.10.10']);
  });
});

describe('forwarder edge', () => {
  it('uses a random ID and source port per upstream query, and ignores replies with the wrong ID', async () => {
    // A minimal upstream at the network edge records what arrives, first answers with a wrong ID.
    const upstream = dgram.createSocket('udp4');
    await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
    const seen: { id: number; port: number }[] = [];
    upstream.on('message', (msg, rinfo) => {
      seen.push({ id: msg.readUInt16BE(0), port: rinfo.port });
      const reply = Buffer.from(msg);
      reply[2] = reply[2]! | 0x80;
      reply.writeUInt16BE(reply.readUInt16BE(0) ^ 1, 0); // wrong ID: must be ignored
      upstream.send(reply, rinfo.port, rinfo.address);
      const good = Buffer.from(msg);
      good[2] = good[2]! | 0x80;
      good[3] = 0x83; // RA + NXDOMAIN
      setTimeout(() => upstream.send(good, rinfo.port, rinfo.address), 5);
    });
    const { site } = fixtureSite((t) => t.replace('allow-recursion: [ "127.0.0.2/32" ]', `allow-recursion: [ "127.0.0.0/8" ]\n  forwarders: [ "127.0.0.1:${upstream.address().port}" ]`));
    const svc2 = await startNetworkServices(site, { logger: silentLogger, ntp: false });
    try {
      for (let i = 0; i < 12; i++) expect((await dig(svc2.addresses.dns![0]!, [`q${i}.example`, 'A'])).status).toBe('NXDOMAIN');
      expect(seen).toHaveLength(12);
      expect(new Set(seen.map((s) => s.port)).size).toBeGreaterThan(10);
      expect(new Set(seen.map((s) => s.id)).size).toBeGreaterThan(10);
    } finally {
      await svc2.close();
      upstream.close();
    }
  });

  it('answers SERVFAIL when no forwarder replies before the timeout', async () => {
    const dead = await freePort();
    const { site } = fixtureSite((t) =>
      t.replace('allow-recursion: [ "127.0.0.2/32" ]', `allow-recursion: [ "127.0.0.0/8" ]\n  forward-timeout-ms: 300\n  forwarders: [ "127.0.0.1:${dead}" ]`),
    );
    const svc2 = await startNetworkServices(site, { logger: silentLogger, ntp: false });
    try {
      expect((await dig(svc2.addresses.dns![0]!, ['corp.example', 'A'])).status).toBe('SERVFAIL');
    } finally {
      await svc2.close();
    }
  });
});
