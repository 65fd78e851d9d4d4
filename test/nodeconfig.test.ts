// Node configuration rendered from site.yaml, proven with the clients that read it: chronyd reads the
// rendered chrony.conf, glibc's resolver (getent) reads the rendered resolv.conf inside a namespace the
// test creates, curl fetches a binary at kubespray's files_repo layout. containerd reading the rendered
// hosts.toml is in oci-serve.test.ts, where the registry has images.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../src/config/site.js';
import { silentLogger } from '../src/core/log.js';
import { AirlockError } from '../src/core/errors.js';
import { startNetworkServices } from '../src/netsvc/index.js';
import { renderNodeConfig, writeNodeConfig } from '../src/nodeconfig/index.js';
import { startServer } from '../src/server/serve.js';
import { AIRLOCK_BIN, run } from './helpers/cli.js';
import { freePort } from './helpers/dns-peers.js';
import { OFFSET_BOUND_S } from './helpers/ntp-tools.js';
import { curl, okJson, writeManifest } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';

const dir = tempDir();
const siteFile = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const file = (config: ReturnType<typeof renderNodeConfig>, path: string) => config.files.find((f) => f.path === path)?.content;

const EXAMPLE = `domain: airgap.internal
admin: { name: admin, address: 192.168.10.10 }
services: [registry, repo]
http: { listen: "0.0.0.0:8080" }
dns: { listen: ["0.0.0.0:53"] }
ntp: { listen: ["0.0.0.0:123"] }
`;

describe('rendering', () => {
  it('uses service names when the site runs DNS, and addresses for resolvers and time sources', () => {
    const config = renderNodeConfig(loadSite(siteFile('example.yaml', EXAMPLE)), { registries: ['registry.k8s.io', 'quay.io'] });
    expect(config.endpoints).toMatchObject({ registry: 'registry.airgap.internal:8080', filesUrl: 'http://repo.airgap.internal:8080', dns: { host: '192.168.10.10', port: 53 }, ntp: { host: '192.168.10.10', port: 123 } });
    expect(file(config, 'etc/containerd/certs.d/registry.k8s.io/hosts.toml')).toContain('[host."http://registry.airgap.internal:8080"]');
    expect(file(config, 'etc/containerd/certs.d/quay.io/hosts.toml')).toBeDefined();
    expect(file(config, 'etc/containerd/certs.d/_default/hosts.toml')).toContain('capabilities = ["pull", "resolve"]');
    expect(file(config, 'etc/chrony/chrony.conf')).toMatch(/^server 192\.168\.10\.10 iburst$/m);
    expect(file(config, 'etc/resolv.conf')).toMatch(/^nameserver 192\.168\.10\.10\nsearch airgap\.internal$/m);
    const offline = parse(file(config, 'kubespray/offline.yml')!);
    expect(offline).toMatchObject({ files_repo: 'http://repo.airgap.internal:8080/files', dl_k8s_io_url: '{{ files_repo }}/dl.k8s.io', registry_host: 'registry.airgap.internal:8080', ntp_servers: ['192.168.10.10 iburst'], upstream_dns_servers: ['192.168.10.10'] });
    expect(offline.containerd_registries_mirrors.map((m: { prefix: string }) => m.prefix)).toEqual(['docker.io', 'gcr.io', 'ghcr.io', 'quay.io', 'registry.k8s.io', 'registry.airgap.internal:8080']);
    expect(config.notes).toEqual([]);
  });

  it('uses addresses when the site runs no DNS, and renders no resolver', () => {
    const config = renderNodeConfig(loadSite(siteFile('nodns.yaml', 'domain: lab.internal\nadmin: { name: admin, address: 10.0.0.1 }\n')));
    expect(config.endpoints.registry).toBe('10.0.0.1:8080');
    expect(config.files.map((f) => f.path)).not.toContain('etc/resolv.conf');
    expect(config.files.map((f) => f.path)).not.toContain('etc/chrony/chrony.conf');
  });

  it('leaves out the scheme’s own port (443 with TLS, 80 without)', () => {
    const https = EXAMPLE.replace('"0.0.0.0:8080" }', '"0.0.0.0:443", tls: { cert: s.crt, key: s.key, ca: ca.crt } }');
    const config = renderNodeConfig(loadSite(siteFile('443.yaml', https)), { caPem: '-----BEGIN CERTIFICATE-----\n' });
    expect(config.endpoints).toMatchObject({ registry: 'registry.airgap.internal', registryUrl: 'https://registry.airgap.internal', filesUrl: 'https://repo.airgap.internal' });
    expect(file(config, 'etc/containerd/certs.d/registry.airgap.internal/hosts.toml')).toContain('ca = "/etc/airlock/ca.crt"');
    const plain = renderNodeConfig(loadSite(siteFile('80.yaml', EXAMPLE.replace('0.0.0.0:8080', '0.0.0.0:80'))));
    expect(plain.endpoints.registryUrl).toBe('http://registry.airgap.internal');
  });

  it('of several listen addresses, gives nodes the one on the admin address', () => {
    const config = renderNodeConfig(loadSite(siteFile('multi.yaml', EXAMPLE.replace('["0.0.0.0:53"]', '["127.0.0.1:53", "192.168.10.10:53"]'))));
    expect(config.endpoints.dns).toEqual({ host: '192.168.10.10', port: 53 });
  });

  it('says what a port other than 53 cannot reach, and refuses port 0', () => {
    const odd = renderNodeConfig(loadSite(siteFile('odd.yaml', EXAMPLE.replace('0.0.0.0:53', '0.0.0.0:5353'))));
    expect(file(odd, 'etc/systemd/resolved.conf.d/airlock.conf')).toContain('DNS=192.168.10.10:5353');
    expect(file(odd, 'etc/resolv.conf')).toBeUndefined();
    expect(odd.notes.join('\n')).toContain('port 5353');
    let err: unknown;
    try {
      renderNodeConfig(loadSite(siteFile('zero.yaml', EXAMPLE.replace('0.0.0.0:123', '127.0.0.1:0'))));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AirlockError);
    expect((err as AirlockError).message).toContain('ntp.listen is 127.0.0.1:0');
  });
});

describe('real clients read what is rendered', () => {
  it('chronyd -f with the rendered chrony.conf measures its offset against airlock’s NTP', async () => {
    const port = await freePort();
    const site = loadSite(siteFile('ntp.yaml', `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nntp: { listen: ["127.0.0.1:${port}"] }\n`));
    const svc = await startNetworkServices(site, { logger: silentLogger });
    try {
      const out = join(dir, 'ntp-node');
      await writeNodeConfig(out, renderNodeConfig(site).files);
      const r = await run('chronyd', ['-Q', '-t', '10', '-f', join(out, 'etc/chrony/chrony.conf')]);
      const m = /System clock wrong by (-?[0-9.]+) seconds/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(Math.abs(Number(m![1]))).toBeLessThan(OFFSET_BOUND_S);
    } finally {
      await svc.close();
    }
  });

  it('glibc resolves short and full names through the rendered resolv.conf (own net and mount namespace)', async () => {
    const site = siteFile('dns.yaml', 'domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhosts: [{ name: cp1, address: 127.0.0.11 }]\nservices: [registry]\ndns: { listen: ["127.0.0.1:53"] }\n');
    const out = join(dir, 'dns-node');
    expect((await run(process.execPath, [AIRLOCK_BIN, 'nodeconfig', '--site', site, '--out', out])).code).toBe(0);
    // Inside the namespaces: loopback up, the rendered resolv.conf over /etc/resolv.conf (private to the
    // mount namespace), airlock dns on port 53, then getent as any program on a node would resolve.
    const script = `set -e
ip link set lo up
mount --bind ${join(out, 'etc/resolv.conf')} /etc/resolv.conf
${process.execPath} ${AIRLOCK_BIN} dns --site ${site} > ${join(dir, 'dns.log')} 2>&1 &
for i in $(seq 100); do grep -q 127.0.0.1:53 ${join(dir, 'dns.log')} && break; sleep 0.1; done
getent hosts cp1
getent hosts registry.airgap.internal
getent hosts nosuch || echo "nosuch: none"
kill $!`;
    const r = await run('unshare', ['--net', '--mount', 'sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '))).toEqual(['127.0.0.11 cp1.airgap.internal', '127.0.0.1 registry.airgap.internal', 'nosuch: none', '']);
  });
});

describe('kubespray offline.yml', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream();
  });
  afterAll(() => up.close());

  it('files_repo/<upstream host>/<path> serves each collected binary', async () => {
    const kubeadm = up.add('/release/v1.33.7/bin/linux/amd64/kubeadm', randomFile(200_000));
    await okJson(['collect', '-f', writeManifest(dir, [kubeadm]), '--store', join(dir, 'store'), '--json']);
    const server = await startServer({ storeDir: join(dir, 'store'), host: '127.0.0.1', port: 0, log: silentLogger });
    try {
      const site = loadSite(siteFile('files.yaml', `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "${new URL(server.url).host}" }\n`));
      const offline = parse(file(renderNodeConfig(site), 'kubespray/offline.yml')!);
      const upstream = new URL(kubeadm.url);
      const got = await curl(`${offline.files_repo}/${upstream.host}${upstream.pathname}`);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(kubeadm.sha256);
    } finally {
      await server.close();
    }
  });
});
