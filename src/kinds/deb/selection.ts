// What the target will have after the install: the base system (what it already has) overlaid with the
// packages chosen so far. Answers "is this relation already satisfied?" and "does this package clash
// with anything?" the way dpkg does: by real name and version, or through (versioned) Provides.
import type { DebPackage, PackageIndex, Provider } from './packages.js';
import { parseRelationList, type Relation } from './relations.js';
import { satisfiesOp } from './version.js';

/** Does a real package satisfy the relation? `:any` is satisfied by Multi-Arch: allowed packages. */
export function realMatches(pkg: DebPackage, rel: Relation): boolean {
  if (pkg.name !== rel.name) return false;
  if (rel.archQualifier === 'any' && pkg.multiArch !== 'allowed' && pkg.multiArch !== 'foreign') {
    // dpkg would refuse a `:any` dependency on a package that is not Multi-Arch: allowed; indexes are
    // consistent about it, so this only matters for hand-made fixtures: accept the native package.
    return true;
  }
  return !rel.op || satisfiesOp(pkg.version, rel.op, rel.version!);
}

/** Does a provider satisfy the relation? A versioned relation needs a versioned Provides. */
export function providerMatches(p: Provider, rel: Relation): boolean {
  if (!rel.op) return true;
  return p.version !== undefined && satisfiesOp(p.version, rel.op, rel.version!);
}

export class Selection {
  readonly chosen = new Map<string, DebPackage>();
  private readonly provided = new Map<string, Provider[]>();
  private readonly baseProvided = new Map<string, Provider[]>();

  constructor(readonly base: ReadonlyMap<string, DebPackage>) {
    for (const pkg of base.values()) addProvides(this.baseProvided, pkg);
  }

  add(pkg: DebPackage): void {
    this.chosen.set(pkg.name, pkg);
    addProvides(this.provided, pkg);
  }

  /** The version the target will have of a real package: chosen, else the base's. */
  effective(name: string): DebPackage | undefined {
    return this.chosen.get(name) ?? this.base.get(name);
  }

  /** The installed or chosen package that satisfies a relation, if any. */
  satisfier(rel: Relation): DebPackage | undefined {
    const real = this.effective(rel.name);
    if (real && realMatches(real, rel)) return real;
    for (const list of [this.provided.get(rel.name), this.baseProvided.get(rel.name)]) {
      for (const p of list ?? []) if (this.effective(p.pkg.name) === p.pkg && providerMatches(p, rel)) return p.pkg;
    }
    return undefined;
  }

  /** Every installed or chosen package a Conflicts/Breaks relation hits (never the package itself). */
  hits(rel: Relation, self: string): DebPackage[] {
    const out: DebPackage[] = [];
    const real = this.effective(rel.name);
    if (real && real.name !== self && (!rel.op || realMatches(real, rel))) out.push(real);
    for (const list of [this.provided.get(rel.name), this.baseProvided.get(rel.name)]) {
      for (const p of list ?? []) {
        if (p.pkg.name !== self && this.effective(p.pkg.name) === p.pkg && providerMatches(p, rel) && !out.includes(p.pkg)) out.push(p.pkg);
      }
    }
    return out;
  }

  /** Packages the target will have (chosen and untouched base). */
  *installed(): Iterable<DebPackage> {
    yield* this.chosen.values();
    for (const [name, pkg] of this.base) if (!this.chosen.has(name)) yield pkg;
  }

  /** A clash between `pkg` and what is installed: its Conflicts/Breaks, or theirs against it. */
  clash(index: PackageIndex, pkg: DebPackage): { other: DebPackage; rel: Relation; by: DebPackage } | undefined {
    const own = index.relations(pkg);
    for (const rel of [...own.conflicts, ...own.breaks]) {
      const other = this.hits(rel, pkg.name)[0];
      if (other) return { other, rel, by: pkg };
    }
    for (const other of this.installed()) {
      if (other.name === pkg.name) continue;
      const theirs = index.relations(other);
      for (const rel of [...theirs.conflicts, ...theirs.breaks]) {
        if (rel.name === pkg.name && realMatches(pkg, { ...rel, archQualifier: undefined })) return { other, rel, by: other };
        if (!rel.op && parseRelationList(pkg.provides).some((p) => p.name === rel.name)) return { other, rel, by: other };
      }
    }
    return undefined;
  }
}

function addProvides(map: Map<string, Provider[]>, pkg: DebPackage): void {
  for (const p of parseRelationList(pkg.provides)) {
    const entry: Provider = p.op === '=' ? { pkg, version: p.version } : { pkg };
    const list = map.get(p.name);
    if (list) list.push(entry);
    else map.set(p.name, [entry]);
  }
}
