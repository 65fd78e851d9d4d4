// airlock.yaml for one kubespray release and one cluster's choices: kubespray's files with its own sha256,
// the images the chosen components pull, kubespray itself, and (once those kinds exist in this airlock)
// the OS packages per target OS and kubespray's Python requirements.
import { stringify } from 'yaml';
import { manifestSchema } from '../config/manifest.js';
import { AirlockError } from '../core/errors.js';
import { presetDownloads, type Choices, type PresetFile, type PresetImage } from './downloads.js';
import { osPackages, targetOs } from './os-packages.js';
import type { PresetData } from './preset.js';

export interface PresetManifest {
  yaml: string;
  files: PresetFile[];
  images: PresetImage[];
  packages: Record<string, string[]>;
  requirements: string[];
}

export interface ManifestChoices extends Choices {
  /** Target OSes whose kubespray package lists to report (debian-12, rocky-9 …). */
  os: string[];
  /** Package mirror per target OS (`debian-12` → its archive URL): an OS with one gets a debs:/rpms: entry. */
  mirrors?: Record<string, string>;
  /** Keyring per target OS for its mirror's signatures; default the distribution's own in /usr/share/keyrings. */
  keyrings?: Record<string, string>;
  /** A PyPI simple index: kubespray's requirements.txt becomes a python: entry for every target OS. */
  pythonIndex?: string;
}

const DEFAULT_KEYRINGS: Record<string, string> = {
  debian: '/usr/share/keyrings/debian-archive-keyring.gpg',
  ubuntu: '/usr/share/keyrings/ubuntu-archive-keyring.gpg',
};

export function kubesprayTarball(version: string): string {
  return `https://github.com/kubernetes-sigs/kubespray/archive/refs/tags/v${version}.tar.gz`;
}

/** The RPM architecture names of Kubernetes' ones. */
const RPM_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', ppc64le: 'ppc64le', s390x: 's390x' };
/** airlock's rpm kind names its EL9 profiles this way. */
const RPM_PROFILE: Record<string, string> = { 'rocky-9': 'rocky-9', 'almalinux-9': 'alma-9', 'rhel-9': 'rhel-9' };

/**
 * A `debs:` or `rpms:` entry for each target OS of that packaging the user gave a mirror for, with
 * kubespray's list for it. An RPM mirror is an EL9 release root (`…/rocky/9`): its BaseOS and AppStream
 * repositories are used, one entry per architecture.
 */
function osEntries(choices: ManifestChoices, packages: Record<string, string[]>, packaging: 'deb' | 'rpm'): unknown[] {
  return choices.os
    .filter((id) => targetOs(id).packaging === packaging && choices.mirrors?.[id])
    .flatMap((id): unknown[] => {
      const mirror = choices.mirrors![id]!.replace(/\/+$/, '');
      const keyring = choices.keyrings?.[id] ?? DEFAULT_KEYRINGS[id.split('-')[0]!];
      if (!keyring) throw new AirlockError('USAGE', `no keyring for ${id}'s packages`, { hint: `give the key its repositories are signed with: --keyring ${id}=FILE (e.g. RPM-GPG-KEY-Rocky-9)` });
      if (packaging === 'deb') return [{ distro: id, upstream: { url: mirror }, keyring, arch: choices.arch, packages: packages[id] }];
      return choices.arch.map((a) => ({
        name: choices.arch.length > 1 ? `${id}-${RPM_ARCH[a] ?? a}` : id,
        distro: RPM_PROFILE[id],
        upstream: { baseurl: ['BaseOS', 'AppStream'].map((r) => `${mirror}/${r}/${RPM_ARCH[a] ?? a}/os/`) },
        gpgkey: keyring,
        arch: [RPM_ARCH[a] ?? a, 'noarch'],
        packages: packages[id],
      }));
    });
}

/** kubespray's own Python requirements (ansible …) for the Ansible host, resolved for each target OS's Python and glibc. */
function pythonEntry(preset: PresetData, choices: ManifestChoices): unknown {
  const targets = choices.os.flatMap((id) => {
    const t = targetOs(id);
    return choices.arch.map((a) => ({ python: t.python, platform: `manylinux_${t.glibc.replace('.', '_')}_${RPM_ARCH[a] ?? a}` }));
  });
  const unique = [...new Map(targets.map((t) => [`${t.python} ${t.platform}`, t])).values()];
  return { index: choices.pythonIndex, targets: unique, requirements: preset.requirements };
}

export function presetManifest(preset: PresetData, choices: ManifestChoices): PresetManifest {
  const { files, images } = presetDownloads(preset, choices);
  const packages = Object.fromEntries(choices.os.map((id) => [id, osPackages(preset, choices, targetOs(id))]));
  const doc: Record<string, unknown> = { version: 1 };
  doc.defaults = { images: { platforms: choices.arch.map((a) => `linux/${a}`) } };
  doc.files = [...files.map(({ url, sha256 }) => (sha256 ? { url, sha256 } : { url })), { url: kubesprayTarball(preset.kubespray) }];
  doc.images = images.map(({ ref }) => ({ ref }));
  const debs = osEntries(choices, packages, 'deb');
  if (debs.length) doc.debs = debs;
  const rpms = osEntries(choices, packages, 'rpm');
  if (rpms.length) doc.rpms = rpms;
  if (choices.pythonIndex) doc.python = [pythonEntry(preset, choices)];
  const checked = manifestSchema().safeParse(doc);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new AirlockError('INTERNAL', `the kubespray preset made an invalid manifest at ${issue.path.join('.')}: ${issue.message}`);
  }
  const header = [
    `# Generated by \`airlock kubespray manifest\` for kubespray v${preset.kubespray}:`,
    `#   arch ${choices.arch.join(',')}, cni ${choices.cni}, runtime ${choices.runtime}${choices.all ? ', every download (--all)' : ''}`,
    `# Source: ${preset.source}`,
    ...Object.entries(packages)
      .filter(([id]) => !choices.mirrors?.[id])
      .map(([id, names]) => `# OS packages kubespray installs on ${id} (give --mirror ${id}=URL to carry them): ${names.join(' ')}`),
    ...(choices.pythonIndex ? [] : [`# kubespray's Python requirements for the Ansible host (give --python-index URL to carry them): ${preset.requirements.join(' ')}`]),
  ];
  return { yaml: `${header.join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`, files, images, packages, requirements: preset.requirements };
}
