// podman, CRI-O, buildah and skopeo (containers-registries.conf(5)): each upstream registry gets the
// admin server as a mirror. These clients do not send containerd's `ns=`, so the mirror location carries
// the upstream name as a path (`registry.airgap.internal:8080/registry.k8s.io`), which is exactly how
// airlock's registry serves it. With HTTPS, the site CA goes where containers/image looks for it.
import { servedRegistry } from '../kinds/oci/names.js';
import { upstreamsOf } from './containerd.js';
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export function renderContainers(ep: NodeEndpoints, registries: string[], caPem: string | undefined): RenderedFile[] {
  const blocks = upstreamsOf(ep, registries).map((upstream) =>
    [
      '[[registry]]',
      `prefix = "${upstream}"`,
      `location = "${upstream}"`,
      '[[registry.mirror]]',
      `location = "${ep.registry}/${servedRegistry(upstream)}"`,
      ...(ep.tls ? [] : ['insecure = true']),
      '',
    ].join('\n'),
  );
  const files: RenderedFile[] = [
    { path: 'etc/containers/registries.conf.d/50-airlock.conf', content: ['# airlock nodeconfig: pull through the admin server (podman, CRI-O, buildah, skopeo).', '', ...blocks].join('\n') },
  ];
  if (ep.tls && caPem !== undefined) files.push({ path: `etc/containers/certs.d/${ep.registry}/ca.crt`, content: caPem });
  return files;
}
