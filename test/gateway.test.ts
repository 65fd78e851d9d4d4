// Gateway rules: the ruleset text from site.yaml, and, for real, inside namespaces this test creates: a
// node reaches an allowed DMZ destination through the admin namespace (masqueraded) and is blocked from
// a destination and a port that are not allowed. Every namespace is deleted afterwards.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRuleset } from '../src/gateway/apply.js';
import { renderRuleset } from '../src/gateway/ruleset.js';
import { stopChild } from './helpers/dns-peers.js';
import { Netns } from './helpers/netns.js';
import { fixtureSite } from './helpers/dns-site.js';

describe('ruleset text', () => {
  it('drops forwarding by default and allows the internal nets to the listed destinations and ports', () => {
    const { site } = fixtureSite((t) =>
      t.replace(
        'allow: [ { to: "10.1.1.0/24", ports: [ "tcp/443" ] } ]',
        'allow:\n    - { to: "10.1.1.0/24", ports: [ "tcp/443", "tcp/8000-8100", "udp/123" ], masquerade: true }\n    - { to: "10.2.0.5", ports: [ "icmp" ] }\n    - { to: "fd00:99::/64" }',
      ),
    );
    const text = renderRuleset(site);
    expect(text).toContain('type filter hook forward priority filter; policy drop;');
    expect(text).toContain('elements = { 192.168.10.0/24 }');
    expect(text).toContain('ip saddr @internal4 ip daddr 10.1.1.0/24 tcp dport { 443, 8000-8100 } accept');
    expect(text).toContain('ip saddr @internal4 ip daddr 10.1.1.0/24 udp dport { 123 } accept');
    expect(text).toContain('ip saddr @internal4 ip daddr 10.2.0.5 meta l4proto icmp accept');
    expect(text).toContain('ip saddr @internal4 ip daddr 10.1.1.0/24 masquerade');
    expect(text).not.toContain('fd00:99::/64 accept'); // no internal IPv6 network could use it
    // nft itself accepts it (check mode: parses and validates without loading)
    execFileSync('nft', ['-c', '-f', '-'], { input: text });
  });
});

describe('gateway in network namespaces', () => {
  const ns = new Netns();
  const servers: ChildProcess[] = [];
  let node = '';
  let admin = '';

  // A TCP server that tells each client which address it saw, on the given ports.
  const serve = (where: string, ports: number[]) => {
    const code = `for (const p of ${JSON.stringify(ports)}) require('net').createServer((c) => c.end(c.remoteAddress + '\\n')).listen(p, '0.0.0.0', () => console.log('up ' + p));`;
    const child = ns.spawn(where, [process.execPath, '-e', code]);
    servers.push(child);
    return new Promise<void>((resolve) => {
      let seen = 0;
      child.stdout!.on('data', (d) => {
        seen += String(d).split('up ').length - 1;
        if (seen >= ports.length) resolve();
      });
    });
  };
  // What a client in `node` reads from host:port, or "blocked" when no connection within 1.5 s.
  const connect = (host: string, port: number) => {
    const code = `const s = require('net').connect(${port}, '${host}'); s.setTimeout(1500, () => { console.log('blocked'); process.exit(0); }); s.on('data', (d) => process.stdout.write(String(d))); s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });`;
    return ns.exec(node, [process.execPath, '-e', code]).trim();
  };

  beforeAll(async () => {
    node = ns.add('node');
    admin = ns.add('admin');
    const dmzA = ns.add('dmza');
    const dmzB = ns.add('dmzb');
    ns.link({ a: [node, '192.168.77.2/24'], b: [admin, '192.168.77.1/24'] });
    ns.link({ a: [admin, '10.77.1.1/24'], b: [dmzA, '10.77.1.2/24'] });
    ns.link({ a: [admin, '10.77.2.1/24'], b: [dmzB, '10.77.2.2/24'] });
    ns.route(node, 'default', 'via', '192.168.77.1');
    ns.route(dmzB, 'default', 'via', '10.77.2.1'); // dmzB could answer directly: only the rules stop it
    // dmzA has no route back to 192.168.77.0/24: only masquerade makes its replies arrive
    ns.exec(admin, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await Promise.all([serve(dmzA, [8443, 8080]), serve(dmzB, [8443])]);
  });
  afterAll(async () => {
    await Promise.all(servers.map(stopChild));
    ns.cleanup();
  });

  it('without rules the node reaches dmzB (so a block later is the ruleset doing it)', () => {
    expect(connect('10.77.2.2', 8443)).toBe('192.168.77.2');
  });

  it('with the rules: allowed destination reached (masqueraded), others blocked', async () => {
    const { site } = fixtureSite((t) =>
      t
        .replace('internal: [ "192.168.10.0/24" ]', 'internal: [ "192.168.77.0/24" ]')
        .replace('allow: [ { to: "10.1.1.0/24", ports: [ "tcp/443" ] } ]', 'allow: [ { to: "10.77.1.0/24", ports: [ "tcp/8443" ], masquerade: true } ]'),
    );
    await applyRuleset(renderRuleset(site), { netns: admin });
    expect(ns.exec(admin, ['nft', 'list', 'table', 'inet', 'airlock'])).toContain('policy drop');
    expect(connect('10.77.1.2', 8443)).toBe('10.77.1.1'); // reached, and seen from the gateway's address
    expect(connect('10.77.1.2', 8080)).toBe('blocked'); // port not listed
    expect(connect('10.77.2.2', 8443)).toBe('blocked'); // destination not listed
    await applyRuleset(renderRuleset(site), { netns: admin }); // applying again replaces, never duplicates
    expect(ns.exec(admin, ['nft', 'list', 'ruleset']).match(/table inet airlock/g)).toHaveLength(1);
  });

  it('leaves no namespace behind', () => {
    const names = [...ns.names];
    ns.cleanup();
    const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const n of names) expect(list).not.toContain(n);
  });
});
