// site.yaml: the issue's example loads; mistakes are one error naming file:line:col and the fix;
// forwarders/upstreams take HOST or HOST:PORT; names are not used twice.
import { describe, expect, it } from 'vitest';
import { loadSite, parseCidr, parseEndpoint } from '../src/config/site.js';
import { isAirlockError } from '../src/core/errors.js';
import { siteYaml, writeSite } from './helpers/dns-site.js';

const ISSUE_EXAMPLE = `domain: airgap.internal
admin:   { name: admin, address: 192.168.10.10 }
hosts:
  - { name: cp1, address: 192.168.10.11 }
  - { name: w1,  address: 192.168.10.21 }
services:                          # names that resolve to the admin server (registry, repo, pypi, …)
  - registry
  - repo
dns:
  listen: [ "0.0.0.0:53" ]         # tests use 127.0.0.1:<high port>
  forwarders: [ "10.1.1.53" ]      # optional: the corporate resolver for names outside our zones
  allow-recursion: [ "192.168.10.0/24" ]
ntp:
  listen: [ "0.0.0.0:123" ]
  upstream: [ "10.1.1.123" ]       # optional: follow a corporate/GPS time source; else serve the local clock
  stratum: 8                       # when serving the local clock (refid LOCL)
gateway:
  internal: [ "192.168.10.0/24" ]
  allow: [ { to: "10.1.1.0/24", ports: [ "tcp/443" ] } ]
`;

function errorOf(text: string) {
  const file = writeSite(text);
  try {
    loadSite(file);
  } catch (err) {
    if (isAirlockError(err, 'CONFIG_INVALID')) return { file, line: err.oneLine() };
    throw err;
  }
  throw new Error('expected an error');
}

describe('site.yaml', () => {
  it('loads the example from the issue, and the test fixture with every extension', () => {
    const site = loadSite(writeSite(ISSUE_EXAMPLE));
    expect(site.domain).toBe('airgap.internal');
    expect(site.dns?.forwarders).toEqual(['10.1.1.53']);
    expect(site.ntp?.stratum).toBe(8);
    expect(site.gateway?.allow?.[0]?.ports).toEqual(['tcp/443']);
    const full = loadSite(writeSite(siteYaml('http: { listen: "127.0.0.1:8080", htpasswd: /etc/airlock/htpasswd }\nversion: 1\n')));
    expect(full.http?.listen).toBe('127.0.0.1:8080');
    expect(full.dns?.records).toHaveLength(8);
  });

  it.each([
    ['an unknown key', ISSUE_EXAMPLE.replace('  stratum: 8', '  stratun: 8'), /:16:3: ntp.*unknown key "stratun"; remove it/],
    ['a bad address', ISSUE_EXAMPLE.replace('192.168.10.11', '192.168.10.300'), /:4:27: hosts\[0\]\.address: not an IPv4 or IPv6 address/],
    ['a bad listen address', ISSUE_EXAMPLE.replace('"0.0.0.0:53"', '"0.0.0.0"'), /:10:13: dns\.listen\[0\]: write HOST:PORT/],
    ['a bad forwarder', ISSUE_EXAMPLE.replace('"10.1.1.53"', '"corp-dns"'), /:11:17: dns\.forwarders\[0\]: not an address: write IP, IP:PORT/],
    ['a bad port spec', ISSUE_EXAMPLE.replace('tcp/443', 'https'), /:19:42: gateway\.allow\[0\]\.ports\[0\]: write tcp\/PORT/],
    ['a name used twice', ISSUE_EXAMPLE.replace('  - repo', '  - cp1'), /:8:5: services\[1\]: name "cp1" is already used by hosts\.0\.name/],
    ['a CNAME beside other data', ISSUE_EXAMPLE.replace('  allow-recursion', '  records: [ { name: registry, type: CNAME, value: repo } ]\n  allow-recursion'), /:12:22: dns\.records\[0\]\.name: registry\.airgap\.internal would have a CNAME and other records/],
    ['a missing domain', ISSUE_EXAMPLE.replace('domain: airgap.internal\n', ''), /domain: .*(missing|required|expected string)/i],
  ])('reports %s as file:line:col with a fix', (_what, text, expected) => {
    const { file, line } = errorOf(text);
    expect(line.startsWith(file)).toBe(true);
    expect(line).toMatch(expected);
  });

  it('accepts HOST, HOST:PORT and [IPv6]:PORT for forwarders and upstreams', () => {
    expect(parseEndpoint('10.1.1.53', 53)).toEqual({ host: '10.1.1.53', port: 53 });
    expect(parseEndpoint('127.0.0.1:5353', 53)).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseEndpoint('[fd00::1]:123', 123)).toEqual({ host: 'fd00::1', port: 123 });
    expect(parseEndpoint('fd00::1', 123)).toEqual({ host: 'fd00::1', port: 123 });
    expect(parseEndpoint('ntp.example', 123)).toBeUndefined();
    expect(parseCidr('192.168.10.0/24')).toEqual({ address: '192.168.10.0', prefix: 24, family: 4 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});
