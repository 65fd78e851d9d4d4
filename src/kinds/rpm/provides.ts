// Who provides what: an index from a capability name (a provide, a package name or a file path) to the
// packages that provide it, with the provide's own version range for EVR matching.
import type { RpmPackage } from './primary.js';
import type { Dep } from './richdep.js';
import { rangesOverlap } from './vercmp.js';

interface Providing {
  pkg: RpmPackage;
  provide: Dep;
}

export class ProvidesIndex {
  private readonly byName = new Map<string, Providing[]>();

  constructor(packages: Iterable<RpmPackage>) {
    for (const p of packages) this.add(p);
  }

  add(pkg: RpmPackage): void {
    for (const provide of pkg.provides) this.push(provide.name, { pkg, provide });
    this.addFiles(pkg, pkg.files);
  }

  /** File paths a package has beyond those primary lists (read from filelists). */
  addFiles(pkg: RpmPackage, files: readonly string[]): void {
    for (const file of files) this.push(file, { pkg, provide: { name: file } });
  }

  private push(name: string, entry: Providing): void {
    const list = this.byName.get(name);
    if (list) list.push(entry);
    else this.byName.set(name, [entry]);
  }

  /** Packages whose provides (or files) satisfy `dep`, each once, in index order. */
  find(dep: Dep): RpmPackage[] {
    const found = (this.byName.get(dep.name) ?? []).filter((e) => rangesOverlap(e.provide, dep)).map((e) => e.pkg);
    return [...new Set(found)];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}

/** Does `pkg` obsolete `other` (by name and version)? */
export function obsoletes(pkg: RpmPackage, other: RpmPackage): boolean {
  return pkg !== other && pkg.obsoletes.some((o) => o.name === other.name && rangesOverlap({ flags: 'EQ', evr: other.evr }, o));
}
