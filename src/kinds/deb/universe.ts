// Everything the upstream offers one entry: each suite's verified Release, and the package index of
// every architecture asked for (plus Architecture: all), read once from the streamed Packages files.
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { AirlockError } from '../../core/errors.js';
import type { CollectContext } from '../kind.js';
import { utf8Text } from './deb822.js';
import { PackageIndex, packageFromStanza, pkgId, type DebPackage } from './packages.js';
import { suitesOf, type DebEntry } from './spec.js';
import { fetchRelease, indexStanzas, packagesIndex, type IndexFile, type SuiteRelease } from './upstream.js';
import { readKeyring } from './verify.js';

export interface Universe {
  releases: SuiteRelease[];
  files: IndexFile[];
  /** One package index per architecture asked for; each also holds the Architecture: all packages. */
  byArch: Map<string, PackageIndex>;
}

export async function loadUniverse(entry: DebEntry, ctx: CollectContext): Promise<Universe> {
  const keyringFile = resolvePath(ctx.baseDir, entry.keyring);
  const keyBytes = await readFile(keyringFile).catch((err: NodeJS.ErrnoException) => {
    throw new AirlockError('CONFIG_INVALID', `cannot read keyring ${keyringFile}: ${err.code ?? err.message}`, { hint: 'give the upstream archive keyring (e.g. /usr/share/keyrings/debian-archive-keyring.gpg)' });
  });
  const keys = await readKeyring(keyBytes, keyringFile);
  const url = entry.upstream.url;
  const releases = await Promise.all(suitesOf(entry).map((s) => fetchRelease(ctx, url, s, keys)));
  const files = listIndexes(entry, releases);
  const byArch = new Map(entry.arch.map((a) => [a, new PackageIndex()]));
  for (const file of files) {
    for await (const st of indexStanzas(ctx, file)) {
      const pkg = packageFromStanza(st, file);
      if (!pkg) continue;
      for (const [arch, index] of byArch) if (pkg.arch === arch || pkg.arch === 'all') index.add(pkg);
    }
  }
  return { releases, files, byArch };
}

function listIndexes(entry: DebEntry, releases: SuiteRelease[]): IndexFile[] {
  const files: IndexFile[] = [];
  for (const rel of releases) {
    for (const component of entry.upstream.components) {
      // binary-all is needed only when the suite lists Architecture: all packages there alone; Debian's
      // `No-Support-for-Architecture-all: Packages` says they are in every binary-<arch> too.
      const alsoAll = /\ball\b/.test(rel.release.fields.get('architectures') ?? '') && !rel.release.fields.has('no-support-for-architecture-all');
      const archs = alsoAll ? [...entry.arch, 'all'] : entry.arch;
      for (const arch of archs) {
        const f = packagesIndex(entry.upstream.url, rel, component, arch);
        if (f) files.push(f);
      }
    }
  }
  if (files.length === 0) {
    throw new AirlockError('FETCH_FAILED', `${entry.upstream.url}: no Packages index for ${entry.arch.join(', ')} in ${entry.upstream.components.join(', ')} of ${releases.map((r) => r.suite).join(', ')}`, {
      hint: 'check the components and architectures against the suite’s Release file',
    });
  }
  return files;
}

/** The full control stanzas of the chosen packages, read again from the stored indexes. */
export async function stanzasOf(ctx: CollectContext, files: IndexFile[], wanted: Iterable<DebPackage>): Promise<Map<string, string>> {
  const want = new Map<string, DebPackage>();
  for (const p of wanted) want.set(`${p.suite}\u0000${p.component}\u0000${pkgId(p)}`, p);
  const out = new Map<string, string>();
  for (const file of files) {
    for await (const st of indexStanzas(ctx, file)) {
      const pkg = packageFromStanza(st, file);
      if (pkg && want.has(`${file.suite}\u0000${file.component}\u0000${pkgId(pkg)}`)) out.set(pkgId(pkg), utf8Text(st.text));
    }
  }
  return out;
}
