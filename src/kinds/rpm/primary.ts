// primary.xml, streamed: one compact object per <package> (identity, checksum, size, location, the four
// dependency lists and the file entries primary lists). The XML fragments published later are taken in a
// second pass over the stored file (fragments.ts), so this pass keeps only what resolving needs.
import type { SaxesTagPlain } from 'saxes';
import { parseXml, attrs, type Chunks } from './xml-stream.js';
import type { Dep } from './richdep.js';
import type { DepFlag, Evr } from './vercmp.js';

export interface RpmPackage {
  name: string;
  arch: string;
  evr: Evr;
  /** The package checksum (pkgid): sha256 hex for every repository createrepo_c makes today. */
  checksum: { type: string; hex: string };
  size: number;
  /** location href, relative to `base` (the repository's baseurl unless xml:base says otherwise). */
  href: string;
  base?: string;
  sourcerpm?: string;
  provides: Dep[];
  requires: Dep[];
  conflicts: Dep[];
  obsoletes: Dep[];
  files: string[];
  /** Index of the upstream baseurl the package came from. */
  repo: number;
}

const DEP_LISTS = new Set(['rpm:provides', 'rpm:requires', 'rpm:conflicts', 'rpm:obsoletes']);

export async function parsePrimary(source: Chunks, where: string, onPackage: (p: RpmPackage) => void, repo = 0): Promise<void> {
  let pkg: RpmPackage | undefined;
  let list: Dep[] | undefined;
  const intern = interner();
  let text = '';
  await parseXml(source, {
    open(tag) {
      text = '';
      if (tag.name === 'package') pkg = emptyPackage(repo);
      else if (pkg) list = openField(pkg, tag, list, intern);
    },
    text: (t) => void (text += t),
    close(tag) {
      if (!pkg) return;
      if (tag.name === 'package') {
        if (pkg.name) onPackage(pkg);
        pkg = undefined;
      } else if (DEP_LISTS.has(tag.name)) list = undefined;
      else closeField(pkg, tag.name, text);
      text = '';
    },
  }, where);
}

function emptyPackage(repo: number): RpmPackage {
  return { name: '', arch: '', evr: { version: '' }, checksum: { type: '', hex: '' }, size: 0, href: '', provides: [], requires: [], conflicts: [], obsoletes: [], files: [], repo };
}

function openField(pkg: RpmPackage, tag: SaxesTagPlain, list: Dep[] | undefined, intern: Intern): Dep[] | undefined {
  const a = attrs(tag);
  switch (tag.name) {
    case 'version':
      pkg.evr = { epoch: a.epoch, version: a.ver ?? '', release: a.rel };
      return list;
    case 'checksum':
      pkg.checksum.type = a.type ?? 'sha256';
      return list;
    case 'size':
      pkg.size = Number(a.package ?? 0);
      return list;
    case 'location':
      pkg.href = a.href ?? '';
      if (a['xml:base']) pkg.base = a['xml:base'];
      return list;
    case 'rpm:entry':
      list?.push(entryDep(a, intern));
      return list;
    default:
      return DEP_LISTS.has(tag.name) ? pkg[tag.name.slice(4) as 'provides'] : list;
  }
}

function closeField(pkg: RpmPackage, name: string, text: string): void {
  if (name === 'name') pkg.name = text.trim();
  else if (name === 'arch') pkg.arch = text.trim();
  else if (name === 'checksum') pkg.checksum.hex = text.trim().toLowerCase();
  else if (name === 'rpm:sourcerpm') pkg.sourcerpm = text.trim();
  else if (name === 'file') pkg.files.push(text.trim());
}

/**
 * The same capability names and versions recur across thousands of packages (`libc.so.6()(64bit)`,
 * `perl(:MODULE_COMPAT_5.32.1)`): one copy of each string per parse keeps a large primary's objects small.
 */
type Intern = (s: string) => string;
function interner(): Intern {
  const seen = new Map<string, string>();
  return (s) => {
    const have = seen.get(s);
    if (have !== undefined) return have;
    seen.set(s, s);
    return s;
  };
}

function entryDep(a: Record<string, string>, intern: Intern): Dep {
  const dep: Dep = { name: intern(a.name ?? '') };
  if (a.flags) {
    dep.flags = a.flags as DepFlag;
    dep.evr = { epoch: a.epoch, version: intern(a.ver ?? ''), release: a.rel === undefined ? undefined : intern(a.rel) };
  }
  if (a.pre === '1') dep.pre = true;
  return dep;
}

export const nevra = (p: Pick<RpmPackage, 'name' | 'arch' | 'evr'>): string =>
  `${p.name}-${p.evr.epoch ?? '0'}:${p.evr.version}-${p.evr.release ?? ''}.${p.arch}`;

/** The file name the package is served under: the last segment of its href. */
export const fileName = (p: Pick<RpmPackage, 'href'>): string => p.href.slice(p.href.lastIndexOf('/') + 1);
