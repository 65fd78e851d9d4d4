// `nodeconfig --check`: before offline.yml is handed to kubespray, ask the running admin server for every
// file and image kubespray will download with it, for the cluster's choices. A file must answer 200 with
// kubespray's own sha256 (when kubespray knows it); an image's manifest must resolve. What is missing is
// named by the kubespray variable that points at it, so the fix (collect it, or change that variable) is
// obvious.
import { createHash } from 'node:crypto';
import { presetDownloads, type Choices } from '../kubespray/downloads.js';
import type { PresetData } from '../kubespray/preset.js';

export interface DownloadCheck {
  /** The kubespray variable behind the download (kubeadm_download_url, calico_node_image_repo …). */
  variable: string;
  target: string;
  ok: boolean;
  detail: string;
}

export interface KubesprayCheckInput {
  preset: PresetData;
  choices: Choices;
  /** The rendered offline.yml, applied as inventory variables. */
  offline: Record<string, unknown>;
  /** Where this machine reaches the admin server, e.g. http://192.168.10.10:8080 (names may not resolve here). */
  server: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function checkKubesprayDownloads(input: KubesprayCheckInput): Promise<DownloadCheck[]> {
  const { files, images } = presetDownloads(input.preset, { ...input.choices, set: { ...input.choices.set, ...input.offline } });
  const vars = variablesOf(input.preset);
  const registry = String(input.offline.registry_host ?? '');
  const checks: DownloadCheck[] = [];
  for (const f of files) checks.push(await checkFile(input.server, f.url, f.sha256, vars.url.get(f.from) ?? f.from));
  for (const i of images) checks.push(await checkImage(input.server, registry, i.ref, i.from === 'kubeadm' ? 'kube_image_repo' : (vars.repo.get(i.from) ?? i.from)));
  return checks;
}

/** Each download entry's URL and repository variable, read from the `{{ variable }}` it is written as. */
function variablesOf(preset: PresetData): { url: Map<string, string>; repo: Map<string, string> } {
  const table = (preset.vars.downloads ?? {}) as Record<string, { url?: unknown; repo?: unknown }>;
  const name = (v: unknown) => /^\{\{\s*([a-z0-9_]+)\s*\}\}$/.exec(String(v ?? ''))?.[1];
  const url = new Map<string, string>();
  const repo = new Map<string, string>();
  for (const [entry, e] of Object.entries(table)) {
    const u = name(e.url);
    const r = name(e.repo);
    if (u) url.set(entry, u);
    if (r) repo.set(entry, r);
  }
  return { url, repo };
}

async function checkFile(server: string, url: string, sha256: string | undefined, variable: string): Promise<DownloadCheck> {
  const u = new URL(url);
  const at = new URL(`${u.pathname}${u.search}`, server).toString();
  try {
    const res = await fetch(at);
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      return { variable, target: url, ok: false, detail: `HTTP ${res.status}: not on the admin server (collect it)` };
    }
    const hash = createHash('sha256');
    for await (const chunk of res.body) hash.update(chunk as Uint8Array);
    const got = hash.digest('hex');
    if (sha256 && got !== sha256) return { variable, target: url, ok: false, detail: `sha256 ${got}, kubespray expects ${sha256}` };
    return { variable, target: url, ok: true, detail: sha256 ? 'sha256 matches kubespray’s' : 'present (kubespray has no checksum for it)' };
  } catch (err) {
    return { variable, target: url, ok: false, detail: `cannot reach ${at}: ${(err as Error).message}` };
  }
}

async function checkImage(server: string, registry: string, ref: string, variable: string): Promise<DownloadCheck> {
  const path = registry && ref.startsWith(`${registry}/`) ? ref.slice(registry.length + 1) : ref;
  const at = path.lastIndexOf(':');
  const [repo, tag] = at > path.lastIndexOf('/') ? [path.slice(0, at), path.slice(at + 1)] : [path, 'latest'];
  try {
    const res = await fetch(new URL(`/v2/${repo}/manifests/${tag}`, server), { method: 'HEAD', headers: { accept: MANIFEST_TYPES } });
    return { variable, target: ref, ok: res.status === 200, detail: res.status === 200 ? `resolves to ${res.headers.get('docker-content-digest')}` : `HTTP ${res.status}: not in the registry (collect it)` };
  } catch (err) {
    return { variable, target: ref, ok: false, detail: `cannot reach ${server}: ${(err as Error).message}` };
  }
}
