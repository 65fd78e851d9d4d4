// The OS packages kubespray's system_packages role installs on a node of a given OS: its table keeps, per
// package, conditions that must all hold (OS family, distribution, version, the node's groups, settings).
import { AirlockError } from '../core/errors.js';
import type { Vars } from './ansible-vars.js';
import { clusterVars, type Choices } from './downloads.js';
import type { PresetData } from './preset.js';

export interface TargetOs {
  /** Our name for it: debian-12, ubuntu-24.04, rocky-9 … */
  id: string;
  packaging: 'deb' | 'rpm';
  /** Its Python and glibc, for wheels that the Ansible host running kubespray can install. */
  python: string;
  glibc: string;
  facts: Vars;
}

const os = (id: string, packaging: 'deb' | 'rpm', family: string, distribution: string, version: string, python: string, glibc: string): TargetOs => ({
  id,
  packaging,
  python,
  glibc,
  facts: {
    ansible_os_family: family,
    ansible_distribution: distribution,
    ansible_distribution_major_version: version.split('.')[0],
    ansible_distribution_version: version,
    ansible_pkg_mgr: packaging === 'deb' ? 'apt' : 'dnf',
  },
});

export const TARGET_OSES: readonly TargetOs[] = [
  os('debian-12', 'deb', 'Debian', 'Debian', '12', '3.11', '2.36'),
  os('debian-13', 'deb', 'Debian', 'Debian', '13', '3.13', '2.41'),
  os('ubuntu-22.04', 'deb', 'Debian', 'Ubuntu', '22.04', '3.10', '2.35'),
  os('ubuntu-24.04', 'deb', 'Debian', 'Ubuntu', '24.04', '3.12', '2.39'),
  os('rocky-9', 'rpm', 'RedHat', 'Rocky', '9', '3.9', '2.34'),
  os('almalinux-9', 'rpm', 'RedHat', 'AlmaLinux', '9', '3.9', '2.34'),
  os('rhel-9', 'rpm', 'RedHat', 'RedHat', '9', '3.9', '2.34'),
];

export function targetOs(id: string): TargetOs {
  const found = TARGET_OSES.find((o) => o.id === id);
  if (!found) throw new AirlockError('USAGE', `unknown target OS ${id}`, { hint: `use one of ${TARGET_OSES.map((o) => o.id).join(', ')}` });
  return found;
}

/**
 * Package names for one OS. Time comes from chrony, as `airlock nodeconfig` sets kubespray up
 * (ntp_enabled with ntp_package: chrony), unless the choices say otherwise.
 */
export function osPackages(preset: PresetData, choices: Choices, target: TargetOs): string[] {
  const vars = clusterVars(preset, { ...choices, set: { ntp_enabled: true, ntp_package: 'chrony', ...target.facts, ...choices.set } }, choices.arch[0] ?? 'amd64');
  const table = preset.systemPackages.pkgs ?? {};
  return Object.entries(table)
    .filter(([, conditions]) => (conditions ?? []).every((c) => truthy(vars.evaluate(c))))
    .map(([name]) => name)
    .sort();
}

function truthy(v: unknown): boolean {
  return typeof v === 'string' ? ['true', 'yes', '1', 'on'].includes(v.trim().toLowerCase()) : Boolean(v);
}
