// The target profile: what a target already has installed before airlock's repo is used. Either derived
// from the index the way mmdebstrap's minbase variant builds a system (Essential: yes, Priority:
// required, apt, and their dependencies), or read from a real target's /var/lib/dpkg/status.
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../core/errors.js';
import { parseStanzas } from './deb822.js';
import { packageFromStanza, type DebPackage, type PackageIndex } from './packages.js';
import { resolve } from './resolve.js';

/** Distributions whose minbase airlock derives from their own index; the value is the default suite list. */
export const BUILTIN_PROFILES: Record<string, { suites: string[] }> = {
  'debian-12': { suites: ['bookworm', 'bookworm-updates'] },
  'debian-13': { suites: ['trixie', 'trixie-updates'] },
  'ubuntu-22.04': { suites: ['jammy', 'jammy-updates'] },
  'ubuntu-24.04': { suites: ['noble', 'noble-updates'] },
};

/** A minbase of this index for one architecture: Essential + Priority required + apt, closed over Depends. */
export function minbase(index: PackageIndex, arch: string): Map<string, DebPackage> {
  const roots = [];
  for (const name of index.names()) {
    const cand = index.candidate(name);
    if (cand && (cand.essential || cand.priority === 'required')) roots.push([{ name }]);
  }
  roots.sort((a, b) => (a[0]!.name < b[0]!.name ? -1 : 1));
  if (index.candidate('apt')) roots.push([{ name: 'apt' }]);
  const { packages } = resolve(index, roots, { arch, base: new Map() });
  return new Map(packages.map((p) => [p.name, p]));
}

/** Installed packages of a dpkg status file (`Status: install ok installed`). */
export function parseStatus(text: string): Map<string, DebPackage> {
  const out = new Map<string, DebPackage>();
  for (const st of parseStanzas(text)) {
    if (!/\binstalled$/.test(st.fields.get('status') ?? '')) continue;
    const pkg = packageFromStanza(st, { suite: 'installed', component: '' });
    if (pkg) out.set(pkg.name, pkg);
  }
  return out;
}

export async function readStatusFile(file: string): Promise<Map<string, DebPackage>> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AirlockError('CONFIG_INVALID', `cannot read the dpkg status file ${file}: ${err.code ?? err.message}`, {
      hint: 'copy /var/lib/dpkg/status from a real target next to airlock.yaml and name it in `base:`',
    });
  });
  const base = parseStatus(text);
  if (base.size === 0) throw new AirlockError('CONFIG_INVALID', `${file} lists no installed package`, { hint: 'it should be a copy of /var/lib/dpkg/status from the target' });
  return base;
}
