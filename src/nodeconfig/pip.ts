// pip and uv on the nodes: the admin server's simple index is the only index. pip reads /etc/pip.conf
// (its site-wide file on Linux), uv /etc/uv/uv.toml. Over plain HTTP pip needs trusted-host (it warns and
// refuses otherwise); over HTTPS pip, which trusts certifi's bundle rather than the system's, is pointed
// at the site CA, and uv is told to use the system trust store the CA was added to.
import { NODE_CA_FILE } from './trust.js';
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export const PYPI_SIMPLE_PATH = '/pypi/simple/';

export function renderPip(ep: NodeEndpoints): RenderedFile[] {
  const index = `${ep.filesUrl}${PYPI_SIMPLE_PATH}`;
  const pip = ['# airlock nodeconfig: the admin server is this node’s Python package index.', '[global]', `index-url = ${index}`];
  if (ep.tls) pip.push(`cert = ${NODE_CA_FILE}`);
  else pip.push(`trusted-host = ${new URL(index).host}`);
  const uv = ['# airlock nodeconfig: the admin server is this node’s Python package index.', `index-url = "${index}"`];
  if (ep.tls) uv.push('native-tls = true');
  return [
    { path: 'etc/pip.conf', content: pip.join('\n') + '\n' },
    { path: 'etc/uv/uv.toml', content: uv.join('\n') + '\n' },
  ];
}
