// dnf/yum on RHEL-family nodes: the admin server's YUM repositories are the only ones. dnf.conf points
// reposdir at a directory airlock owns, so the distribution's own .repo files stay untouched but unread;
// every repository has gpgcheck=1 (package signatures, by the vendor keys the store carries) and
// repo_gpgcheck=1 (repomd.xml.asc, by the site's repository key). Keys whose content is known are written
// to /etc/pki/rpm-gpg and named as file:// URLs, so no key is fetched over the network on first use; the
// others are named by their URL on the admin server.
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export interface YumRepo {
  /** The repository's name: served at /yum/<name>/. */
  name: string;
  /** Vendor key files the store carries for it (served at /yum/<name>/keys/<file>), with their content when read. */
  keys: { file: string; armored?: string }[];
}

export interface YumOptions {
  repos: YumRepo[];
  /** The site repository key (armored), when serve has made it. */
  keyArmored?: string;
}

export const YUM_REPOS_DIR = '/etc/airlock/yum.repos.d';
const KEY_DIR = 'etc/pki/rpm-gpg';
const SITE_KEY = `${KEY_DIR}/RPM-GPG-KEY-airlock-repo`;

export function renderYum(ep: NodeEndpoints, yum: YumOptions | undefined): RenderedFile[] {
  const repos = yum?.repos ?? [];
  if (repos.length === 0) return [];
  const files: RenderedFile[] = [];
  const key = (path: string, armored: string | undefined, url: string) => {
    if (armored === undefined) return url;
    files.push({ path, content: armored });
    return `file:///${path}`;
  };
  const site = key(SITE_KEY, yum?.keyArmored, `${ep.filesUrl}/keys/airlock-repo.asc`);
  const sections = repos.map((r) => {
    const vendor = r.keys.map((k) => key(`${KEY_DIR}/airlock-${r.name}-${k.file}`, k.armored, `${ep.filesUrl}/yum/${r.name}/keys/${k.file}`));
    return [`[airlock-${r.name}]`, `name=airlock ${r.name}`, `baseurl=${ep.filesUrl}/yum/${r.name}/`, 'enabled=1', 'gpgcheck=1', 'repo_gpgcheck=1', `gpgkey=${[site, ...vendor].join(' ')}`, 'skip_if_unavailable=False', '# A new bundle is loaded now and then: look for new metadata hourly.', 'metadata_expire=1h', ''].join('\n');
  });
  const dnfConf = [
    '# airlock nodeconfig: only the admin server’s repositories (the distribution’s .repo files are not read).',
    '[main]',
    'gpgcheck=True',
    'installonly_limit=3',
    'clean_requirements_on_remove=True',
    'best=True',
    'skip_if_unavailable=False',
    `reposdir=${YUM_REPOS_DIR}`,
    '',
  ].join('\n');
  return [
    { path: 'etc/dnf/dnf.conf', content: dnfConf },
    { path: `${YUM_REPOS_DIR.slice(1)}/airlock.repo`, content: `# airlock nodeconfig: YUM repositories of the admin server.\n${sections.join('\n')}` },
    ...files,
  ];
}

/**
 * kubespray's variables for an internal YUM mirror: `yum_repo`, no upstream repos enabled by kubespray,
 * and Docker's repository (kubespray adds it itself for containerd/docker on RHEL) when the store has
 * one named docker-ce, with the vendor key its packages are signed with.
 */
export function yumKubesprayVars(ep: NodeEndpoints, repos: YumRepo[]): Record<string, unknown> {
  if (repos.length === 0) return {};
  const vars: Record<string, unknown> = { yum_repo: `${ep.filesUrl}/yum`, rhel_enable_repos: false };
  const docker = repos.find((r) => r.name === 'docker-ce');
  if (docker) {
    vars.docker_rh_repo_base_url = '{{ yum_repo }}/docker-ce/';
    vars.docker_rh_repo_gpgkey = docker.keys[0] ? `{{ yum_repo }}/docker-ce/keys/${docker.keys[0].file}` : `${ep.filesUrl}/keys/airlock-repo.asc`;
  }
  return vars;
}
