// One node of the lab: its rendered configuration in place (private files, /etc/netns), then every
// check with the client a real node runs, in the order a node would need them.
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Site } from '../config/site.js';
import { renderNodeConfig, writeNodeConfig } from '../nodeconfig/index.js';
import { checkApt, checkFile, checkGo, checkHelm, checkImage, checkInbound, checkNames, checkOutbound, checkPip, checkPtrs, checkRun, checkTime, type LabCheck, type NodeContext } from './checks.js';
import { pullRef, type AptContent, type StoreContent } from './content.js';
import { startNodeContainerd } from './containerd.js';
import { execIn } from './exec.js';
import type { LabFaults } from './lab.js';
import type { LabNetwork } from './network.js';
import type { Topology } from './topology.js';

/** A port every node listens on, for the check that the outside cannot reach in (kubelet's). */
export const NODE_PORT = 10250;

export interface NodeRun {
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

/** One node: its rendered configuration in place, then every check, in the order a node would need them. */
export async function checkNode({ site, topo, network, name, dir, content, apt, runRef, faults, helm }: NodeRun, record: (c: Omit<LabCheck, 'node'>) => void): Promise<void> {
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
