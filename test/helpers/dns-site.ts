// A site.yaml written to a temp dir (the example, plus records for every type the tests need).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadSite, type Site } from '../../src/config/site.js';

export const BIG_TXT = 'x'.repeat(700);

export function siteYaml(extra = ''): string {
  return `domain: airgap.internal
admin:   { name: admin, address: 192.168.10.10 }
hosts:
  - { name: cp1, address: 192.168.10.11, aliases: [ api ] }
  - { name: w1,  address: 192.168.10.21 }
  - { name: v6node, address: "fd00:10::21" }
services:
  - registry
  - repo
dns:
  listen: [ "127.0.0.1:0" ]
  allow-recursion: [ "127.0.0.2/32" ]
  rate-limit: { per-second: 0 }
  records:
    - { name: www, type: CNAME, value: registry }
    - { name: chain, type: CNAME, value: www }
    - { name: outside, type: CNAME, value: "mirror.example." }
    - { name: info, type: TXT, value: "hello world" }
    - { name: big, type: TXT, value: "${BIG_TXT}" }
    - { name: _https._tcp.registry, type: SRV, value: "0 5 443 registry" }
    - { name: ext6, type: AAAA, value: "fd00:20::5" }
    - { name: extra4, type: A, value: "10.20.30.40", ttl: 60 }
ntp:
  listen: [ "127.0.0.1:0" ]
  stratum: 8
gateway:
  internal: [ "192.168.10.0/24" ]
  allow: [ { to: "10.1.1.0/24", ports: [ "tcp/443" ] } ]
${extra}`;
}

// Removed after the importing test file's tests (vitest's fork workers are killed, so no 'exit' event).
const made: string[] = [];
afterAll(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

export function writeSite(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-netsvc-site-'));
  made.push(dir);
  const file = join(dir, 'site.yaml');
  writeFileSync(file, text);
  return file;
}

export function fixtureSite(transform: (text: string) => string = (t) => t): { file: string; site: Site } {
  const file = writeSite(transform(siteYaml()));
  return { file, site: loadSite(file) };
}
