// `airlock lab`: the site's closed network in miniature, to prove a store works before anyone carries it
// in. One network namespace per host of site.yaml on the site's own subnet (a bridge), plus an outside
// reachable only through the admin host, where the site's gateway rules are applied. The admin runs
// `airlock serve --site`; every node gets only what `airlock nodeconfig` renders, and the clients a real
// node runs check it: glibc names and PTRs, chronyd, curl at kubespray's files_repo layout, containerd
// pulling every image by its upstream name (and running one), and TCP through the gateway both ways.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSite, type Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import type { LabCheck } from './checks.js';
import { aptContent, storeContent } from './content.js';
import { checkNode, NODE_PORT } from './node.js';
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
