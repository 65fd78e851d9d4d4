// APT on Debian/Ubuntu nodes: airlock's repositories are the only package sources. One deb822 .sources
// file with Signed-By (the site repository key, armored: apt ≥ 1.4 reads .asc keyrings), and every
// distribution default emptied: /etc/apt/sources.list, Debian 12+'s debian.sources, Ubuntu 24.04's
// ubuntu.sources. An empty file is what apt reads as "no sources", and a later package upgrade that
// restores the default is visible in `apt-get update` as unreachable hosts, never silently used.
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export interface AptRepo {
  /** The repository name: served at /apt/<name>/. */
  name: string;
  suite: string;
  components: string[];
}

export const APT_KEY_PATH = 'etc/apt/keyrings/airlock-repo.asc';

const DISABLED = '# Disabled by airlock nodeconfig: this node installs packages from airlock.sources only.\n';

/** The .sources text for the repositories, served from `base` (e.g. http://files.airgap.internal:8080). */
export function aptSources(base: string, repos: AptRepo[], keyPath = `/${APT_KEY_PATH}`): string {
  const stanzas = repos.map((r) =>
    [`# ${r.name}, collected and signed by airlock`, 'Types: deb', `URIs: ${base}/apt/${r.name}`, `Suites: ${r.suite}`, `Components: ${r.components.join(' ')}`, `Signed-By: ${keyPath}`].join('\n'),
  );
  return `${stanzas.join('\n\n')}\n`;
}

export function renderApt(ep: NodeEndpoints, repos: AptRepo[], repoKeyArmored?: string): RenderedFile[] {
  if (repos.length === 0) return [];
  const files: RenderedFile[] = [
    { path: 'etc/apt/sources.list.d/airlock.sources', content: aptSources(ep.filesUrl, repos) },
    { path: 'etc/apt/sources.list', content: DISABLED },
    { path: 'etc/apt/sources.list.d/debian.sources', content: DISABLED },
    { path: 'etc/apt/sources.list.d/ubuntu.sources', content: DISABLED },
  ];
  if (repoKeyArmored) files.push({ path: APT_KEY_PATH, content: repoKeyArmored });
  return files;
}
