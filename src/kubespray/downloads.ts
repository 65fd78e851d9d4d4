// What kubespray downloads for one cluster, evaluated from its own `downloads:` table the way its download
// role selects entries: enabled, and meant for a group the cluster has. `all` instead lists every
// download URL variable and every image of the table, which is what contrib/offline/generate_list.sh
// prints (it ignores the conditions).
import { AnsibleVars, type Vars } from './ansible-vars.js';
import { archFacts } from './arch.js';
import type { PresetData } from './preset.js';

export interface Choices {
  arch: string[];
  /** kube_network_plugin: calico, cilium, flannel, kube-ovn, kube-router, macvlan, cni, none. */
  cni: string;
  /** container_manager: containerd, crio, docker. */
  runtime: string;
  /** Further variables, as in an inventory's group_vars (e.g. metrics_server_enabled: true). */
  set?: Vars;
  /** Every download kubespray knows, whatever the conditions (generate_list.sh's lists). */
  all?: boolean;
}

export interface PresetFile {
  url: string;
  sha256?: string;
  /** The download entry (or URL variable) it comes from. */
  from: string;
}

export interface PresetImage {
  ref: string;
  from: string;
  archs: string[];
}

const CLUSTER_GROUPS = ['k8s_cluster', 'kube_control_plane', 'kube_node', 'etcd', 'calico_rr'];
const KUBEADM_IMAGES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'];

interface DownloadEntry {
  enabled?: unknown;
  file?: unknown;
  container?: unknown;
  url?: unknown;
  checksum?: unknown;
  repo?: unknown;
  tag?: unknown;
  groups?: unknown;
}

export function clusterVars(preset: PresetData, choices: Choices, arch: string): AnsibleVars {
  return new AnsibleVars({
    ...preset.vars,
    ...archFacts(arch),
    groups: Object.fromEntries(CLUSTER_GROUPS.map((g) => [g, ['node1']])),
    group_names: CLUSTER_GROUPS,
    inventory_hostname: 'node1',
    // Every real node has an address kubespray pings (iputils-ping is installed for it).
    main_access_ip: '192.0.2.10',
    is_fedora_coreos: false,
    kube_network_plugin: choices.cni,
    container_manager: choices.runtime,
    ...choices.set,
  });
}

export function presetDownloads(preset: PresetData, choices: Choices): { files: PresetFile[]; images: PresetImage[] } {
  const files = new Map<string, PresetFile>();
  const images = new Map<string, PresetImage>();
  for (const arch of choices.arch) {
    const vars = clusterVars(preset, choices, arch);
    const table = (preset.vars.downloads ?? {}) as Record<string, DownloadEntry>;
    const field = (e: DownloadEntry, k: keyof DownloadEntry) => vars.evaluate(e[k]);
    for (const [name, entry] of Object.entries(table)) {
      const wanted = choices.all || (truthy(field(entry, 'enabled')) && inClusterGroups(field(entry, 'groups')));
      if (!wanted) continue;
      if ((choices.all || truthy(field(entry, 'file'))) && typeof entry.url === 'string') {
        const url = String(field(entry, 'url'));
        if (url) files.set(url, { url, sha256: sha256Of(field(entry, 'checksum')), from: name });
      }
      if ((choices.all || truthy(field(entry, 'container'))) && entry.repo !== undefined && entry.tag !== undefined) {
        addImage(images, `${String(field(entry, 'repo'))}:${String(field(entry, 'tag'))}`, name, arch);
      }
    }
    if (choices.all) {
      for (const v of preset.downloadUrlVars) {
        const url = String(vars.get(v));
        if (!files.has(url)) files.set(url, { url, from: v });
      }
    }
    // kubeadm pulls the control plane images itself; they are in no download entry.
    for (const image of KUBEADM_IMAGES) addImage(images, `${String(vars.get('kube_image_repo'))}/${image}:v${String(vars.get('kube_version'))}`, 'kubeadm', arch);
  }
  return { files: [...files.values()], images: [...images.values()] };
}

function addImage(images: Map<string, PresetImage>, ref: string, from: string, arch: string): void {
  const seen = images.get(ref);
  if (seen) {
    if (!seen.archs.includes(arch)) seen.archs.push(arch);
  } else images.set(ref, { ref, from, archs: [arch] });
}

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return ['true', 'yes', '1', 'on'].includes(v.trim().toLowerCase());
  return Boolean(v);
}

function inClusterGroups(groups: unknown): boolean {
  return !Array.isArray(groups) || groups.some((g) => CLUSTER_GROUPS.includes(String(g)));
}

/** kubespray writes "sha256:<hex>", a bare hex, or None (images pinned by tag). */
function sha256Of(checksum: unknown): string | undefined {
  const m = /^(?:sha256:)?([a-f0-9]{64})$/.exec(String(checksum ?? '').trim());
  return m?.[1];
}
