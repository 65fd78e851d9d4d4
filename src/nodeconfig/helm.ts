// helm on the nodes (and on the admin's workstation): a repositories.yaml naming the admin server's
// classic chart repository as `airlock`, so `helm repo update` and `helm install airlock/<chart>` work
// without `helm repo add`. Written where helm looks for root by default ($HOME/.config/helm); other users
// copy it or point HELM_REPOSITORY_CONFIG at it. OCI charts need no file: `helm pull oci://<registry>/…`.
import { stringify } from 'yaml';
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';
import { NODE_CA_FILE } from './trust.js';

/** The chart repository's path on the admin server (the helm kind's routes serve it). */
const CHARTS_PATH = '/charts/';

export function renderHelm(ep: NodeEndpoints): RenderedFile[] {
  const repositories = {
    apiVersion: '',
    generated: '0001-01-01T00:00:00Z',
    repositories: [
      {
        name: 'airlock',
        url: `${ep.filesUrl}${CHARTS_PATH}`,
        // helm verifies HTTPS against the system pool plus this file; the site CA may not be installed yet.
        caFile: ep.tls ? NODE_CA_FILE : '',
        certFile: '',
        keyFile: '',
        insecure_skip_tls_verify: false,
        pass_credentials_all: false,
        username: '',
        password: '',
      },
    ],
  };
  return [{ path: 'root/.config/helm/repositories.yaml', content: `# airlock nodeconfig: the admin server's chart repository.\n${stringify(repositories)}` }];
}
