// The standard ports, as a real site uses them: airlock runs in an "admin" namespace on 123/udp and
// 53/udp+tcp; ntpdig (which only speaks to port 123) and dig query it from a "node" namespace.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAirlock, stopChild } from './helpers/dns-peers.js';
import { Netns } from './helpers/netns.js';
import { fixtureSite } from './helpers/dns-site.js';
import { OFFSET_BOUND_S } from './helpers/ntp-tools.js';

const ns = new Netns();
const running: ChildProcess[] = [];
let node = '';

beforeAll(async () => {
  node = ns.add('nnode');
  const admin = ns.add('nadmin');
  ns.link({ a: [node, '192.168.78.2/24'], b: [admin, '192.168.78.1/24'] });
  const { file } = fixtureSite((t) => t.replace('allow-recursion: [ "127.0.0.2/32" ]', 'allow-recursion: [ "192.168.78.0/24" ]'));
  running.push((await startAirlock(['ntp', '--site', file, '--listen', '192.168.78.1:123'], admin)).child);
  running.push((await startAirlock(['dns', '--site', file, '--listen', '192.168.78.1:53'], admin)).child);
});
afterAll(async () => {
  await Promise.all(running.map(stopChild));
  ns.cleanup();
});

describe('from a node namespace to airlock in the admin namespace', () => {
  it('ntpdig gets the time on port 123: stratum 8, no leap warning, small offset', () => {
    const out = ns.exec(node, ['ntpdig', '-j', '-t', '2', '192.168.78.1']);
    const doc = JSON.parse(out) as { stratum: number; leap: string; offset: number; ip: string };
    expect(doc.ip).toBe('192.168.78.1');
    expect(doc.stratum).toBe(8);
    expect(doc.leap).toBe('no-leap');
    expect(Math.abs(doc.offset)).toBeLessThan(OFFSET_BOUND_S);
  });

  it('dig resolves the site names on port 53 with no -p', () => {
    const out = ns.exec(node, ['dig', '@192.168.78.1', '+short', 'registry.airgap.internal', 'A']);
    expect(out.trim()).toBe('192.168.10.10');
    const ptr = ns.exec(node, ['dig', '@192.168.78.1', '+short', '-x', '192.168.10.21']);
    expect(ptr.trim()).toBe('w1.airgap.internal.');
  });
});
