// `airlock demo`: the whole pipeline on built-in sample content, no network needed.
// collect → keygen → pack → verify → load → serve, then print what to try.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import { collect } from '../collect/collect.js';
import type { Progress } from '../collect/progress.js';
import { generateKeys, loadPrivateKey, loadPublicKey } from '../bundle/signing.js';
import { pack } from '../bundle/pack.js';
import { verifyBundle } from '../bundle/verify.js';
import { load } from '../bundle/load.js';
import { startServer, type RunningServer } from '../server/serve.js';
import { AirlockError } from '../core/errors.js';
import { loadSite } from '../config/site.js';
import { renderNodeConfig, writeNodeConfig } from '../nodeconfig/index.js';
import { upstreamRegistries } from '../kinds/oci/names.js';
import { checkListenAddress } from './port-check.js';
import { SAMPLE_FILES, SAMPLE_IMAGE, startSampleUpstream, writeSampleImageLayout } from './sample-upstream.js';
import { SAMPLE_SUITE, startSampleApt } from './sample-apt.js';
import { SAMPLE_YUM_KEY, startSampleYum } from './sample-yum.js';
import { yumReposOf } from '../kinds/rpm/nodes.js';
import { writeAptClient } from './apt-client.js';
import { airlockCommand, type TryLine } from './try-lines.js';

// The demo's closed network: everything on loopback, DNS and NTP on free high ports.
const DEMO_SITE = `version: 1
domain: airgap.internal
admin: { name: admin, address: 127.0.0.1 }
services: [ registry, repo, files ]
dns:
  listen: [ "127.0.0.1:0" ]
ntp:
  listen: [ "127.0.0.1:0" ]
  stratum: 8
`;

export interface DemoOptions {
  dir?: string;
  host: string;
  port: number;
  log: Logger;
  progress: Progress;
  say: (line: string) => void;
}

export interface DemoResult {
  dir: string;
  url: string;
  /** The admin server's web page. */
  dashboard: string;
  dns: string;
  ntp: string;
  bundle: string;
  store: string;
  tryLines: TryLine[];
  server: RunningServer;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  await checkListenAddress(opts.host, opts.port);
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'airlock-demo-')));
  await mkdir(dir, { recursive: true });
  const upstream = await startSampleUpstream();
  const aptUpstream = await startSampleApt(dir);
  const yumUpstream = await startSampleYum();
  try {
    const manifest = join(dir, 'airlock.yaml');
    const imageLayout = await writeSampleImageLayout(join(dir, 'sample-image'));
    await writeFile(
      manifest,
      [
        'version: 1',
        'files:',
        ...SAMPLE_FILES.map((f) => `  - url: ${upstream.base}${f.path}`),
        'images:',
        `  - layout: ${imageLayout}`,
        `    name: ${SAMPLE_IMAGE.name}`,
        'debs:',
        '  - name: sample',
        '    mirror: true',
        `    upstream: { url: ${aptUpstream.base}, suites: [${SAMPLE_SUITE}] }`,
        `    keyring: ${aptUpstream.keyring}`,
        'rpms:',
        '  - name: sample',
        '    mirror: true',
        `    upstream: { baseurl: [${yumUpstream.base}] }`,
        `    gpgkey: ${SAMPLE_YUM_KEY}`,
        '',
      ].join('\n'),
    );
    opts.say(`1/6 collect   ${manifest} → ${join(dir, 'bastion-store')} (sample upstream ${upstream.base})`);
    await collect({ manifestFile: manifest, storeDir: join(dir, 'bastion-store'), progress: opts.progress, log: opts.log });
    opts.say(`2/6 keygen    ${join(dir, 'site.key')}, ${join(dir, 'site.pub')}`);
    const keys = await generateKeys(join(dir, 'site'));
    const bundle = join(dir, 'bundle');
    opts.say(`3/6 pack      → ${bundle} (2 MiB chunks, signed)`);
    await pack({ storeDir: join(dir, 'bastion-store'), outDir: bundle, chunkSize: 2 * 1024 * 1024, privateKey: loadPrivateKey(keys.privateFile), progress: opts.progress });
    opts.say('4/6 verify    signature and every chunk');
    const report = await verifyBundle(bundle, { publicKey: loadPublicKey(keys.publicFile) }, opts.progress);
    if (!report.ok) throw new AirlockError('BUNDLE_INVALID', 'demo bundle failed verification');
    const store = join(dir, 'admin-store');
    opts.say(`5/6 load      → ${store}`);
    await load({ bundleDir: bundle, storeDir: store, publicKey: loadPublicKey(keys.publicFile), progress: opts.progress });
  } finally {
    // From here on the "internet" is gone: everything below is served from the loaded store alone.
    await upstream.close();
    await aptUpstream.close();
    await yumUpstream.close();
  }
  const store = join(dir, 'admin-store');
  const siteFile = join(dir, 'site.yaml');
  await writeFile(siteFile, DEMO_SITE);
  const site = loadSite(siteFile);
  const server = await startServer({ storeDir: store, host: opts.host, port: opts.port, log: opts.log, site, accessLog: false });
  const dns = new URL(`dns://${server.network.dns![0]}`);
  const ntp = new URL(`ntp://${server.network.ntp![0]}`);
  opts.say(`6/6 serve     ${server.url}, DNS ${dns.host}, NTP ${ntp.host} (the sample upstream is stopped: this is the closed side)`);
  // What the nodes would be given, for the ports the demo's listeners were actually bound to.
  const nodeDir = join(dir, 'node');
  const bound = { ...site, http: { listen: new URL(server.url).host }, dns: { ...site.dns, listen: [dns.host] }, ntp: { ...site.ntp, listen: [ntp.host] } };
  const aptRepos = [{ name: 'sample', suite: SAMPLE_SUITE, components: ['main'] }];
  const keyArmored = await (await fetch(`${server.url}/keys/airlock-repo.asc`)).text();
  const yum = { repos: yumReposOf(server.store), keyArmored };
  await writeNodeConfig(nodeDir, renderNodeConfig(bound, { registries: upstreamRegistries([SAMPLE_IMAGE.name]), apt: { repos: aptRepos, keyArmored }, yum }).files);
  const aptConf = await writeAptClient(join(dir, 'apt-client'), server.url, aptRepos, nodeDir);
  const host = new URL(upstream.base).host;
  const registry = new URL(server.url).host;
  const airlock = airlockCommand();
  const tryLines: TryLine[] = [
    { tool: 'curl', line: `curl -s ${server.url}/healthz` },
    { tool: 'curl', line: `curl -sO ${server.url}/files/${host}${SAMPLE_FILES[0]!.path}` },
    { tool: 'xxd', line: `curl -s -r 0-15 ${server.url}/files/${host}${SAMPLE_FILES[0]!.path} | xxd` },
    { tool: 'skopeo', line: `skopeo inspect --tls-verify=false docker://${registry}/${SAMPLE_IMAGE.name}:${SAMPLE_IMAGE.tag}` },
    { tool: 'skopeo', line: `skopeo copy --src-tls-verify=false docker://${registry}/${SAMPLE_IMAGE.name}:${SAMPLE_IMAGE.tag} oci:${join(dir, 'pulled')}:${SAMPLE_IMAGE.tag}` },
    { tool: 'dig', line: `dig @${dns.hostname} -p ${dns.port} registry.airgap.internal +short` },
    { tool: 'dig', line: `dig @${dns.hostname} -p ${dns.port} -x 127.0.0.1 +short` },
    { tool: 'chronyd', line: `chronyd -Q -t 10 'server ${ntp.hostname} port ${ntp.port} iburst maxsamples 1'` },
    { tool: 'chronyd', line: `chronyd -Q -t 10 -f ${join(nodeDir, 'etc/chrony/chrony.conf')}      # the node configuration airlock rendered` },
    { tool: 'cat', line: `cat ${join(nodeDir, 'kubespray/offline.yml')}` },
    {
      tool: 'dnf',
      line:
        `dnf -y --installroot=${join(dir, 'dnf-root')} --releasever=9 --setopt=reposdir=${join(dir, 'dnf-root', 'etc/yum.repos.d')} --setopt=cachedir=${join(dir, 'dnf-cache')} ` +
        `--repofrompath=airlock,${server.url}/yum/sample/ --repo airlock --setopt=airlock.gpgcheck=1 --setopt=airlock.repo_gpgcheck=1 ` +
        `--setopt="airlock.gpgkey=${server.url}/keys/airlock-repo.asc ${server.url}/yum/sample/keys/RPM-GPG-KEY-airlock-demo" install --downloadonly --downloaddir ${join(dir, 'dnf-download')} airlock-hello      # signed YUM repo`,
    },
    { tool: 'apt-get', line: `APT_CONFIG=${aptConf} apt-get update && APT_CONFIG=${aptConf} apt-get install -y --download-only airlock-hello      # signed APT repo, key from /keys/` },
    { tool: 'airlock', line: `${airlock} store ls --store ${store}` },
    { tool: 'airlock', line: `${airlock} verify ${join(dir, 'bundle')} --pubkey ${join(dir, 'site.pub')}` },
  ];
  return { dir, url: server.url, dashboard: `${server.url}/ui/`, dns: dns.host, ntp: ntp.host, bundle: join(dir, 'bundle'), store, tryLines, server };
}
