// Every download URL and image repository variable one kubespray release defines, pointed at the admin
// server: binaries at <files_repo>/<upstream host>/<path> (the layout airlock serves files in), images at
// <registry_host>/<upstream repository> (airlock serves each image under its upstream name, so two
// registries never collide). Overriding each variable, not only the four site-wide bases, means a
// variable that does not go through a base (argocd_install_url) cannot reach the internet.
import { AnsibleVars } from '../kubespray/ansible-vars.js';
import { archFacts } from '../kubespray/arch.js';
import type { PresetData } from '../kubespray/preset.js';

/** The site-wide bases kubespray builds most download URLs on, and the host each stands for. */
export const SITE_BASES: Record<string, string> = {
  github_url: 'github.com',
  dl_k8s_io_url: 'dl.k8s.io',
  storage_googleapis_url: 'storage.googleapis.com',
  get_helm_url: 'get.helm.sh',
};

/** Download URL variables: every `*_download_url`, and whatever else the downloads table fetches by URL. */
export function downloadUrlVars(preset: PresetData): string[] {
  const table = (preset.vars.downloads ?? {}) as Record<string, { url?: unknown }>;
  const viaTable = Object.values(table)
    .map((e) => /^\{\{\s*([a-z0-9_]+)\s*\}\}$/.exec(String(e.url ?? ''))?.[1])
    .filter((v): v is string => v !== undefined && typeof preset.vars[v] === 'string');
  return [...new Set([...preset.downloadUrlVars, ...viaTable])];
}

/** `{{ github_url }}/etcd-io/…` → `{{ files_repo }}/github.com/etcd-io/…`; versions stay templates. */
export function downloadOverrides(preset: PresetData): Record<string, string> {
  const vars = new AnsibleVars({ ...preset.vars, ...archFacts('amd64') });
  return Object.fromEntries(
    downloadUrlVars(preset).map((name) => {
      let t = String(preset.vars[name]);
      for (const [base, host] of Object.entries(SITE_BASES)) t = t.replaceAll(new RegExp(`\\{\\{\\s*${base}\\s*\\}\\}`, 'g'), `{{ files_repo }}/${host}`);
      t = t.replace(/^https?:\/\//, '{{ files_repo }}/');
      // A template built on some other variable: take its value as kubespray's defaults give it.
      if (!t.startsWith('{{ files_repo }}/')) t = String(vars.get(name)).replace(/^https?:\/\//, '{{ files_repo }}/');
      return [name, t];
    }),
  );
}

/** Each `*_image_repo` as `{{ registry_host }}/<its upstream repository>` under the release's defaults. */
export function imageRepoOverrides(preset: PresetData): Record<string, string> {
  const vars = new AnsibleVars({ ...preset.vars, ...archFacts('amd64') });
  return Object.fromEntries(preset.imageRepoVars.map((name) => [name, `{{ registry_host }}/${String(vars.get(name))}`]));
}
