// containerd registry configuration (`/etc/containerd/certs.d/<host>/hosts.toml`): every upstream
// registry is pulled through the admin server's mirror. containerd adds `?ns=<upstream>` to each mirror
// request, and airlock's registry serves that upstream's images under their own names, so image
// references in manifests and charts stay as upstream wrote them.
import type { NodeEndpoints } from './endpoints.js';
import { NODE_CA_FILE } from './trust.js';
import type { RenderedFile } from './rendered.js';

const CERTS_D = 'etc/containerd/certs.d';

export function renderContainerd(ep: NodeEndpoints, registries: string[]): RenderedFile[] {
  const ca = ep.tls ? [`  ca = "${NODE_CA_FILE}"`] : [];
  const mirror = (upstream: string) =>
    [
      `# airlock nodeconfig: pull ${upstream === '_default' ? 'images of any registry without its own directory here' : `${upstream} images`} through the admin server.`,
      `[host."${ep.registryUrl}"]`,
      `  capabilities = ["pull", "resolve"]`,
      ...ca,
      '',
    ].join('\n');
  return [
    ...upstreamsOf(ep, registries).map((r) => ({ path: `${CERTS_D}/${r}/hosts.toml`, content: mirror(r) })),
    { path: `${CERTS_D}/_default/hosts.toml`, content: mirror('_default') },
    {
      // References that name the admin registry itself (`registry.airgap.internal:8080/team/app`).
      path: `${CERTS_D}/${ep.registry}/hosts.toml`,
      content: [`# airlock nodeconfig: the admin server's own registry.`, `server = "${ep.registryUrl}"`, ...(ep.tls ? [`ca = "${NODE_CA_FILE}"`] : []), ''].join('\n'),
    },
  ];
}

/**
 * The same mirrors as kubespray's `containerd_registries_mirrors` (kubespray writes the hosts.toml files
 * itself). Kubespray gives every prefix a `server = "https://<prefix>"`, which is meaningless for
 * `_default`, so its defaults (`*_image_repo`) are listed by name instead, next to the store's registries.
 */
export const KUBESPRAY_REGISTRIES = ['docker.io', 'gcr.io', 'ghcr.io', 'quay.io', 'registry.k8s.io'];

export function kubesprayMirrors(ep: NodeEndpoints, registries: string[]): unknown[] {
  const via = (host: string, capabilities: string[]) => ({ host, capabilities, skip_verify: false });
  return [
    ...upstreamsOf(ep, [...KUBESPRAY_REGISTRIES, ...registries]).map((prefix) => ({ prefix, mirrors: [via(ep.registryUrl, ['pull', 'resolve'])] })),
    { prefix: ep.registry, server: ep.registryUrl, mirrors: [via(ep.registryUrl, ['pull', 'resolve', 'push'])] },
  ];
}

/** The upstream registries to mirror, sorted, without the admin registry itself. */
export function upstreamsOf(ep: NodeEndpoints, registries: string[]): string[] {
  return [...new Set(registries)].filter((r) => r !== ep.registry).sort();
}
