// `airlock lab`: the site's closed network in miniature, to prove a store works before anyone carries it
// in. One network namespace per host of site.yaml on the site's own subnet (a bridge), plus an outside
// reachable only through the admin host, where the site's gateway rules are applied. The admin runs
// `airlock serve --site`; every node gets only what `airlock nodeconfig` renders, and the clients a real
// node runs check it: glibc names and PTRs, chronyd, curl at kubespray's files_repo layout, containerd
// pulling every image by its upstream name (and running one), and TCP through the gateway both ways.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadSite, type Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import { upstreamRegistries } from '../kinds/oci/names.js';
import { metaOf } from '../kinds/oci/records.js';
import { isDigest } from '../core/digest.js';
import { renderNodeConfig, writeNodeConfig } from '../nodeconfig/index.js';
import { Store } from '../store/store.js';
import type { ArtifactRecord } from '../store/artifact.js';
import { publishedAptRepos, siteRepoPublicKey } from '../kinds/deb/nodes.js';
import type { AptRepo } from '../nodeconfig/apt.js';
import { checkApt, checkGo, checkHelm, checkPip, checkFile, checkImage, checkInbound, checkNames, checkOutbound, checkPtrs, checkRun, checkTime, type LabCheck, type NodeContext } from './checks.js';
import { startNodeContainerd } from './containerd.js';
import { execIn } from './exec.js';
import { onPath } from '../core/on-path.js';
import { buildLabNetwork, LAB_NETNS_BASE, type LabNetwork } from './network.js';
import { orphanedNamespaces, removeNamespace } from './netns.js';
import { DEFAULT_LAB_SITE, labTopology, type Topology } from './topology.js';

export type { LabCheck } from './checks.js';

export interface LabReport {
  ok: boolean;
  domain: string;
  hosts: { name: string; address: string; role: string; namespace: string }[];
  checks: LabCheck[];
}

export interface LabOptions {
  storeDir: string;
  /** site.yaml to build; absent: an admin and one node (DEFAULT_LAB_SITE). */
  siteFile?: string;
  /** An image to `ctr run` on every node, then optionally the command: "k8s.invalid/busybox:1 /bin/echo ok". */
  run?: string;
  say?: (line: string) => void;
  /** Break one thing on purpose, to prove the matching check turns red (the lab's own tests). */
  faults?: LabFaults;
  /** The helm binary for the chart check (default: `helm` on PATH; without one the check is left out). */
  helm?: string;
}

export interface LabFaults {
  /** The admin serves without DNS; nodes are still told to use it. */
  stopDns?: boolean;
  /** This node's chrony.conf names another time source than nodeconfig rendered. */
  clockSource?: { node: string; server: string };
  /** The admin applies the gateway rules without allow rule N; nodes still expect it. */
  dropGatewayRule?: number;
}

const TOOLS: Record<string, string> = { ip: 'iproute2', curl: 'curl', chronyd: 'chrony', getent: 'libc-bin', containerd: 'containerd', ctr: 'containerd', nft: 'nftables', bash: 'bash', timeout: 'coreutils' };
const BIN = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));
/** A port every node listens on, for the check that the outside cannot reach in (kubelet's). */
const NODE_PORT = 10250;

export async function runLab(opts: LabOptions): Promise<LabReport> {
  preflight();
  for (const ns of orphanedNamespaces(LAB_NETNS_BASE)) removeNamespace(ns);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-lab-'));
  const siteFile = opts.siteFile ? resolve(opts.siteFile) : join(dir, 'site.yaml');
  if (!opts.siteFile) await writeFile(siteFile, DEFAULT_LAB_SITE);
  const site = loadSite(siteFile);
  if (site.http?.tls) throw new AirlockError('UNSUPPORTED', 'the lab does not serve HTTPS yet', { hint: 'run the lab with a copy of site.yaml without http.tls; docs/lab.md says why' });
  const topo = labTopology(site);
  const content = await storeContent(opts.storeDir);

  let network: LabNetwork | undefined;
  const children: ChildProcess[] = [];
  const scratch = [dir];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    network?.net.cleanup();
    for (const path of scratch) {
      try {
        rmSync(path, { recursive: true, force: true, maxRetries: 3 });
      } catch (err) {
        opts.say?.(`note: could not remove ${path}: ${(err as Error).message}`);
      }
    }
  };
  // Ctrl-C or a kill of the lab leaves nothing behind; a SIGKILL's leftovers go at the next run's start.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    network = await build(withoutRule(site, opts.faults?.dropGatewayRule), topo);
    const admin = network.ns.get(topo.hosts[0]!.name)!;
    opts.say?.(`lab ${site.domain}: ${topo.hosts.map((h) => `${h.name} ${h.address}`).join(', ')}; outside through ${topo.hosts[0]!.name}`);
    const serveSite = opts.faults?.stopDns ? await siteWithoutDns(siteFile) : siteFile;
    if (serveSite !== siteFile) scratch.push(serveSite);
    const serve = network.net.spawn(admin, [process.execPath, BIN, 'serve', '--store', content.root, '--site', serveSite, '--json', '--no-access-log']);
    children.push(serve);
    await started(serve);
    // serve made the site repository key if the store had none: the APT sources name it.
    const apt = await aptContent(content.root);
    const helm = opts.helm ?? (onPath('helm') ? 'helm' : undefined);
    if (content.chart && !helm) opts.say?.('note: no helm binary here (--helm PATH): the chart check is left out');
    if (content.goModule && !onPath('go')) opts.say?.('note: no go here (apt-get install golang-go): the Go module check will fail');
    children.push(listen(network, network.outside, topo.targets.map((t) => [t.address, t.port])));
    const nodes = topo.hosts.filter((h) => h.role === 'node');
    for (const h of nodes) children.push(listen(network, network.ns.get(h.name)!, [['0.0.0.0', NODE_PORT]]));

    const checks: LabCheck[] = [];
    const record = (node: string, c: Omit<LabCheck, 'node'>) => {
      checks.push({ node, ...c });
      opts.say?.(`${c.ok ? '✔' : '✘'} ${node.padEnd(10)} ${c.check.padEnd(7)} ${c.target}: ${c.detail}`);
    };
    await Promise.all(nodes.map((h) => checkNode({ site, topo, network: network!, name: h.name, dir, content, apt, runRef: opts.run, faults: opts.faults, helm }, (c) => record(h.name, c))));
    return {
      ok: checks.every((c) => c.ok),
      domain: site.domain,
      hosts: topo.hosts.map((h) => ({ ...h, namespace: network!.ns.get(h.name)! })),
      checks,
    };
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    cleanup();
  }
}

function withoutRule(site: Site, index: number | undefined): Site {
  if (index === undefined || !site.gateway) return site;
  return { ...site, gateway: { ...site.gateway, allow: site.gateway.allow?.filter((_, i) => i !== index) } };
}

/** A copy of site.yaml beside it (its relative paths stay valid) with DNS off. */
async function siteWithoutDns(siteFile: string): Promise<string> {
  const doc = parseDocument(await readFile(siteFile, 'utf8'));
  doc.setIn(['dns', 'enabled'], false);
  const file = join(dirname(siteFile), `.airlock-lab-nodns-${process.pid}.yaml`);
  await writeFile(file, doc.toString());
  return file;
}

async function build(site: Site, topo: Topology): Promise<LabNetwork> {
  try {
    return await buildLabNetwork(site, topo);
  } catch (err) {
    if (err instanceof AirlockError) throw err;
    const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n').pop();
    throw new AirlockError('USAGE', `cannot create the lab's network namespaces: ${why}`, { hint: 'run as root on a machine (or a privileged container) that allows `ip netns add`' });
  }
}

interface StoreContent {
  root: string;
  files: { name: string; digest?: string }[];
  images: { ref: string; digest: string }[];
  registries: string[];
  /** One Go module version and one chart the nodes fetch, when the store has any. */
  goModule?: { path: string; version: string };
  chart?: { name: string; version: string };
  /** A pure-Python wheel (any interpreter can download it) for the pip check. */
  wheel?: { name: string; version: string };
}

async function storeContent(storeDir: string): Promise<StoreContent> {
  const store = await Store.open(storeDir);
  try {
    const images = store
      .find({ kind: 'oci' })
      .filter((e) => isContainerImage(e.record))
      .map((e) => ({ name: e.record.name, version: e.record.version ?? '', digest: metaOf(e.record).digest }));
    return {
      root: store.paths.root,
      files: store.find({ kind: 'file' }).map((e) => ({ name: e.record.name, digest: e.record.blobs.find((b) => b.role === 'content')?.digest })),
      images: images.map((i) => ({ ref: `${i.name}${isDigest(i.version) ? '@' : ':'}${i.version}`, digest: i.digest })),
      registries: upstreamRegistries(images.map((i) => i.name)),
      goModule: store.find({ kind: 'gomod' }).filter((e) => e.record.platform === '').map((e) => ({ path: e.record.name, version: e.record.version }))[0],
      chart: store.find({ kind: 'helm' }).map((e) => ({ name: e.record.name, version: e.record.version }))[0],
      wheel: store.find({ kind: 'pypi' }).filter((e) => e.record.platform.endsWith('-none-any.whl') && !e.record.meta.yanked).map((e) => ({ name: e.record.name, version: e.record.version }))[0],
    };
  } finally {
    store.close();
  }
}

interface NodeRun {
  site: Site;
  topo: Topology;
  network: LabNetwork;
  name: string;
  dir: string;
  content: StoreContent;
  apt: AptContent;
  runRef?: string;
  faults?: LabFaults;
  helm?: string;
}

interface AptContent {
  repos: AptRepo[];
  keyArmored?: string;
  /** One package the node downloads through apt, when the store has APT repositories. */
  package?: string;
}

async function aptContent(storeDir: string): Promise<AptContent> {
  const store = await Store.open(storeDir);
  try {
    const repos = publishedAptRepos(store);
    const pkg = store.find({ kind: 'deb' }).map((e) => e.record.name.split('/').pop()!).sort()[0];
    return { repos, keyArmored: await siteRepoPublicKey(store), ...(repos.length && pkg ? { package: pkg } : {}) };
  } finally {
    store.close();
  }
}

/** One node: its rendered configuration in place, then every check, in the order a node would need them. */
async function checkNode({ site, topo, network, name, dir, content, apt, runRef, faults, helm }: NodeRun, record: (c: Omit<LabCheck, 'node'>) => void): Promise<void> {
  const ns = network.ns.get(name)!;
  const root = join(dir, 'nodes', name);
  const tmp = join(dir, 'tmp', name);
  await mkdir(tmp, { recursive: true });
  const config = renderNodeConfig(site, { registries: content.registries, apt: apt.repos.length ? { repos: apt.repos, keyArmored: apt.keyArmored } : undefined });
  if (faults?.clockSource?.node === name) {
    const chrony = config.files.find((f) => f.path === 'etc/chrony/chrony.conf');
    if (chrony) chrony.content = chrony.content.replace(/^server \S+/m, `server ${faults.clockSource.server}`);
  }
  await writeNodeConfig(root, config.files);
  const resolvConf = config.files.find((f) => f.path === 'etc/resolv.conf');
  if (resolvConf) network.net.etcFile(ns, 'resolv.conf', resolvConf.content);
  if (apt.repos.length) {
    // A node's /etc/apt has these directories (empty on a fresh install); nodeconfig writes only its files.
    for (const d of ['apt.conf.d', 'preferences.d', 'trusted.gpg.d', 'auth.conf.d']) await mkdir(join(root, 'etc/apt', d), { recursive: true });
    network.net.etcTree(ns, 'apt', join(root, 'etc/apt'));
  }
  const ctx: NodeContext = { host: topo.hosts.find((h) => h.name === name)!, ns, root, tmp, endpoints: config.endpoints };

  const hosts = topo.hosts.map((h) => ({ name: `${h.name}.${site.domain}`, address: h.address }));
  if (config.endpoints.dns) {
    record(await checkNames(ctx, [...hosts, ...(site.services ?? []).map((s) => ({ name: `${s}.${site.domain}`, address: site.admin.address }))]));
    record(await checkPtrs(ctx, hosts));
  }
  if (config.endpoints.ntp) record(await checkTime(ctx));
  // Files and images are fetched by name: when the name does not resolve, say so instead of timing out.
  const unresolved = await unresolvedHost(ns, [config.endpoints.filesUrl, config.endpoints.registryUrl]);
  if (unresolved) {
    const detail = `not tried: ${unresolved} does not resolve on this node (see the dns check)`;
    for (const f of content.files) record({ check: 'file', target: f.name, ok: false, detail });
    for (const i of content.images) record({ check: 'image', target: pullRef(i.ref, config.endpoints.registry), ok: false, detail });
  } else {
    for (const f of content.files) record(await checkFile(ctx, f));
  }
  const notTried = `not tried: ${unresolved} does not resolve on this node (see the dns check)`;
  if (content.goModule) record(unresolved ? { check: 'go', target: `${content.goModule.path}@${content.goModule.version}`, ok: false, detail: notTried } : await checkGo(ctx, content.goModule));
  if (content.wheel) record(unresolved ? { check: 'pip', target: `${content.wheel.name}==${content.wheel.version}`, ok: false, detail: notTried } : await checkPip(ctx, content.wheel));
  if (content.chart && helm) record(unresolved ? { check: 'helm', target: `${content.chart.name}-${content.chart.version}`, ok: false, detail: notTried } : await checkHelm(ctx, helm, content.chart));
  if (apt.package) record(unresolved ? { check: 'apt', target: apt.package, ok: false, detail: `not tried: ${unresolved} does not resolve on this node (see the dns check)` } : await checkApt(ctx, apt.package));
  if (content.images.length && !unresolved) {
    const ctr = await startNodeContainerd(ns, join(dir, 'containerd', name)).catch((err: Error) => err);
    if (ctr instanceof Error) record({ check: 'image', target: 'containerd', ok: false, detail: ctr.message });
    else {
      try {
        for (const image of content.images) record(await checkImage(ctx, ctr, { ref: pullRef(image.ref, config.endpoints.registry), digest: image.digest }));
        if (runRef) {
          const [ref, ...command] = runRef.trim().split(/\s+/);
          record(await checkRun(ctx, ctr, pullRef(ref!, config.endpoints.registry), command));
        }
      } finally {
        await ctr.stop();
      }
    }
  }
  // Blocked flows wait out their time limit: probe them side by side.
  const flows = await Promise.all([...topo.targets.map((t) => checkOutbound(ctx, network.outside, t)), checkInbound(ctx, network.outside, NODE_PORT)]);
  for (const c of flows) record(c);
}

async function unresolvedHost(ns: string, urls: string[]): Promise<string | undefined> {
  for (const url of urls) {
    const host = new URL(url).hostname;
    if (isIP(host)) continue;
    if ((await execIn(ns, ['getent', 'hosts', host], { timeoutMs: 15_000 })).code !== 0) return host;
  }
  return undefined;
}

/** Upstream names as a pod spec writes them (through the mirrors); names pushed to airlock under its own host. */
function pullRef(ref: string, registry: string): string {
  // The name is what comes before the tag or digest of the last path segment (a registry may have a port).
  return upstreamRegistries([ref.replace(/[:@][^/]*$/, '')]).length > 0 ? ref : `${registry}/${ref}`;
}

const IMAGE_CONFIGS = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/**
 * What containerd can pull and unpack: an image config and tar layers. Charts pushed over OCI, signatures
 * and attestations are OCI artifacts too, but no node runs them (the chart has its own helm check).
 */
function isContainerImage(record: ArtifactRecord): boolean {
  if (metaOf(record).subject) return false;
  const configs = record.blobs.filter((b) => b.role === 'config');
  const layers = record.blobs.filter((b) => b.role === 'layer');
  return configs.some((c) => IMAGE_CONFIGS.has(c.mediaType ?? '')) && layers.every((l) => /tar/.test(l.mediaType ?? ''));
}

/** A TCP listener that accepts and closes, on each address:port, inside a namespace. */
function listen(network: LabNetwork, ns: string, endpoints: [string, number][]): ChildProcess {
  // A probe hangs up as soon as it connects: the reset must not end the listener.
  const script = `const net=require('net');for(const [h,p] of ${JSON.stringify(endpoints)})net.createServer(s=>{s.on('error',()=>{});s.end('airlock-lab\\n');}).listen(p,h);`;
  return network.net.spawn(ns, [process.execPath, '-e', script]);
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new AirlockError('USAGE', 'airlock lab needs root: it creates network namespaces', { hint: 'run it with sudo on a machine where that is allowed' });
  const missing = Object.keys(TOOLS).filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`]).status !== 0);
  if (missing.length) {
    throw new AirlockError('USAGE', `airlock lab drives the clients a node uses, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`, { hint: `apt-get install ${[...new Set(missing.map((m) => TOOLS[m]))].join(' ')}` });
  }
}

/** Wait for serve's JSON line on stdout; its exit before that is the lab's error. */
function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new AirlockError('INTERNAL', `the lab's admin server stopped (${code}): ${err.trim().split('\n').pop() ?? ''}`)));
  });
}
