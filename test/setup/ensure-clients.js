#!/usr/bin/env node
// Makes sure every real client and server the tests drive is installed. As root it installs what is
// missing with apt-get; otherwise it names the packages to install and fails. A missing client must
// never turn into a silently skipped test.
import { execFileSync, spawnSync } from 'node:child_process';

// command on PATH → Debian 12 package that provides it
const CLIENTS = {
  curl: 'curl',
  openssl: 'openssl',
  skopeo: 'skopeo',
  ctr: 'containerd',
  containerd: 'containerd',
  runc: 'runc',
  podman: 'podman',
  buildah: 'buildah',
  umoci: 'umoci',
  'docker-registry': 'docker-registry',
  htpasswd: 'apache2-utils',
  busybox: 'busybox-static',
  dig: 'bind9-dnsutils',
  kdig: 'knot-dnsutils',
  dnsperf: 'dnsperf',
  dnsmasq: 'dnsmasq',
  nsd: 'nsd',
  knotd: 'knot',
  chronyd: 'chrony',
  ntpdig: 'ntpsec-ntpdate',
  nginx: 'nginx',
  tinyproxy: 'tinyproxy',
  python3: 'python3',
  twine: 'twine',
  wrk: 'wrk',
  ip: 'iproute2',
  nft: 'nftables',
  jq: 'jq',
  go: 'golang-go',
  unzip: 'unzip',
  gzip: 'gzip',
  pgrep: 'procps',
  sysctl: 'procps',
  chromium: 'chromium',
  'apt-ftparchive': 'apt-utils',
  'dpkg-deb': 'dpkg',
  gpg: 'gnupg',
  xz: 'xz-utils',
  mmdebstrap: 'mmdebstrap',
  gpgv: 'gpgv',
  rpm: 'rpm', rpmbuild: 'rpm', rpmsign: 'rpm', createrepo_c: 'createrepo-c', modifyrepo_c: 'createrepo-c', dnf: 'dnf',
};

// Packages that install files rather than commands (the pypi tests' real third-party wheels, venv).
const FILES = {
  '/usr/share/python-wheels/pip-*.whl': 'python3-pip-whl',
  '/usr/share/python-wheels/setuptools-*.whl': 'python3-setuptools-whl',
  '/usr/share/python-wheels/wheel-*.whl': 'python3-wheel-whl',
  '/usr/lib/python3*/ensurepip/__init__.py': 'python3-venv',
};

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`], { stdio: 'ignore' }).status === 0;
const present = (glob) => spawnSync('sh', ['-c', `ls ${glob}`], { stdio: 'ignore' }).status === 0;
const missing = [
  ...new Set([
    ...Object.entries(CLIENTS).filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg),
    ...Object.entries(FILES).filter(([glob]) => !present(glob)).map(([, pkg]) => pkg),
  ]),
];

if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`airlock tests need these Debian packages: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`installing test clients: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
