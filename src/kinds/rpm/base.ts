// The target profile: what the target already has installed, so the closure leaves it out (and a newer
// upstream version than the base's is still carried when a package needs it). Either a captured
// `rpm -qa` of a real target, or a built-in profile: the closure of a @core-minimal-like list, resolved
// from the same upstreams (we cannot fetch a real minimal image here).
import { readFileSync } from 'node:fs';
import { AirlockError } from '../../core/errors.js';
import type { RpmPackage } from './primary.js';
import { parseEvr } from './vercmp.js';

/**
 * Built-in profiles: the package roots of a RHEL 9-family minimal install (the @core group's mandatory
 * packages that a Rocky/Alma/RHEL 9 "Minimal Install" always has). Resolved leniently: a root the
 * upstreams lack is skipped.
 */
const EL9_MINIMAL = [
  'basesystem', 'bash', 'coreutils', 'cronie', 'curl', 'dnf', 'e2fsprogs', 'filesystem', 'glibc', 'hostname',
  'iproute', 'iputils', 'kbd', 'kexec-tools', 'less', 'logrotate', 'man-db', 'ncurses', 'openssh-clients',
  'openssh-server', 'parted', 'passwd', 'policycoreutils', 'procps-ng', 'rootfiles', 'rpm', 'rsyslog',
  'selinux-policy-targeted', 'setup', 'shadow-utils', 'sssd-common', 'sudo', 'systemd', 'tar', 'util-linux',
  'vim-minimal', 'xfsprogs', 'yum', 'dnf-plugins-core', 'firewalld', 'NetworkManager', 'audit',
  'authselect', 'chrony', 'grubby', 'kernel', 'lshw', 'sg3_utils', 'python3',
];

export const BUILTIN_PROFILES: Record<string, readonly string[]> = {
  'rocky-9': EL9_MINIMAL,
  'alma-9': EL9_MINIMAL,
  'rhel-9': EL9_MINIMAL,
};

export interface InstalledLine {
  name: string;
  evr: string;
  arch: string;
}

/** `NAME EPOCH:VERSION-RELEASE ARCH` per line; `(none)` epochs and gpg-pubkey entries are accepted. */
export function parseRpmQa(text: string, file: string): InstalledLine[] {
  const out: InstalledLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(?:\(none\):|(\d+):)?(\S+-\S+)\s+(\S+)$/.exec(line);
    if (!m) {
      throw new AirlockError('CONFIG_INVALID', `expected "NAME EPOCH:VERSION-RELEASE ARCH", got "${line}"`, {
        where: `${file}:${i + 1}`,
        hint: "capture it on the target with rpm -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\\n'",
      });
    }
    if (m[1] === 'gpg-pubkey') return;
    out.push({ name: m[1]!, evr: `${m[2] ?? '0'}:${m[3]!}`, arch: m[4]! });
  });
  return out;
}

export function readRpmQa(file: string): InstalledLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AirlockError('CONFIG_INVALID', `cannot read the base profile ${file}: ${(err as Error).message}`, { hint: 'base: names a file beside airlock.yaml' });
  }
  return parseRpmQa(text, file);
}

/**
 * The installed packages as RpmPackage objects: the upstream package of the same name, arch and EVR when
 * the upstream has it (its provides and files are then exact), else a package providing only its name.
 */
export function basePackages(lines: InstalledLine[], upstream: RpmPackage[]): RpmPackage[] {
  const byKey = new Map(upstream.map((p) => [`${p.name} ${p.evr.epoch ?? '0'}:${p.evr.version}-${p.evr.release ?? ''} ${p.arch}`, p]));
  return lines.map((l) => {
    const found = byKey.get(`${l.name} ${l.evr} ${l.arch}`);
    if (found) return found;
    const evr = parseEvr(l.evr);
    return { name: l.name, arch: l.arch, evr, checksum: { type: '', hex: '' }, size: 0, href: '', provides: [{ name: l.name, flags: 'EQ', evr }], requires: [], conflicts: [], obsoletes: [], files: [], repo: -1 };
  });
}
