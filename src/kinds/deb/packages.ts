// The package universe a resolve works on: one compact record per Packages stanza (only the fields the
// resolver and the lock need; descriptions stay in the stream), indexed by name and by what each
// package provides. Relationship fields are parsed on first use.
import type { Stanza } from './deb822.js';
import { compareVersions } from './version.js';
import { parseRelationList, parseRelations, type Alternatives, type Relation } from './relations.js';

export interface DebPackage {
  name: string;
  version: string;
  arch: string;
  multiArch: string;
  essential: boolean;
  priority: string;
  depends?: string;
  preDepends?: string;
  recommends?: string;
  provides?: string;
  conflicts?: string;
  breaks?: string;
  filename: string;
  size: number;
  sha256: string;
  /** Where it was listed: suite and component of the upstream index. */
  suite: string;
  component: string;
}

export interface Provider {
  pkg: DebPackage;
  /** The provided version (`Provides: foo (= 1.2)`), if any. */
  version?: string;
}

/**
 * A copy of a string that does not keep the decoded chunk it was sliced from alive (V8 keeps the parent
 * of a sliced string): without this, the index would pin the whole Packages text in memory.
 */
const own = (s: string | undefined): string | undefined => (s === undefined || s.length < 13 ? s : (' ' + s).slice(1));

export function packageFromStanza(st: Stanza, origin: { suite: string; component: string }): DebPackage | undefined {
  const f = new Map([...st.fields].filter(([k]) => KEPT.has(k)).map(([k, v]) => [k, own(v)!]));
  const name = f.get('package');
  const version = f.get('version');
  if (!name || !version) return undefined;
  return {
    name,
    version,
    arch: f.get('architecture') ?? 'all',
    multiArch: f.get('multi-arch') ?? 'no',
    essential: /^yes$/i.test(f.get('essential') ?? ''),
    priority: f.get('priority') ?? 'optional',
    depends: f.get('depends'),
    preDepends: f.get('pre-depends'),
    recommends: f.get('recommends'),
    provides: f.get('provides'),
    conflicts: f.get('conflicts'),
    breaks: f.get('breaks'),
    filename: f.get('filename') ?? '',
    size: Number(f.get('size') ?? 0),
    sha256: f.get('sha256') ?? '',
    suite: origin.suite,
    component: origin.component,
  };
}

const KEPT = new Set(['package', 'version', 'architecture', 'multi-arch', 'essential', 'priority', 'depends', 'pre-depends', 'recommends', 'provides', 'conflicts', 'breaks', 'filename', 'size', 'sha256']);

export const pkgId = (p: Pick<DebPackage, 'name' | 'version' | 'arch'>) => `${p.name}_${p.version}_${p.arch}`;

interface Parsed {
  depends: Alternatives[];
  preDepends: Alternatives[];
  recommends: Alternatives[];
  conflicts: Relation[];
  breaks: Relation[];
}

export class PackageIndex {
  private readonly byName = new Map<string, DebPackage[]>();
  private readonly providers = new Map<string, Provider[]>();
  private readonly parsed = new WeakMap<DebPackage, Parsed>();
  private count = 0;

  /** Adds a package; the same name, version and arch listed twice (two suites) is kept once. */
  add(pkg: DebPackage): void {
    const list = this.byName.get(pkg.name);
    if (list?.some((p) => p.version === pkg.version && p.arch === pkg.arch)) return;
    this.count++;
    if (!list) this.byName.set(pkg.name, [pkg]);
    else {
      list.push(pkg);
      list.sort((a, b) => compareVersions(b.version, a.version) || (a.arch < b.arch ? -1 : 1));
    }
    for (const p of parseRelationList(pkg.provides)) {
      const entry: Provider = p.op === '=' ? { pkg, version: p.version } : { pkg };
      const plist = this.providers.get(p.name);
      if (plist) plist.push(entry);
      else this.providers.set(p.name, [entry]);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Every version of a real package, highest first. */
  versions(name: string): DebPackage[] {
    return this.byName.get(name) ?? [];
  }

  /** The version apt would install: the highest one listed. */
  candidate(name: string): DebPackage | undefined {
    return this.versions(name)[0];
  }

  providersOf(name: string): Provider[] {
    return this.providers.get(name) ?? [];
  }

  *all(): Iterable<DebPackage> {
    for (const list of this.byName.values()) yield* list;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  relations(pkg: DebPackage): Parsed {
    let p = this.parsed.get(pkg);
    if (!p) {
      p = {
        depends: parseRelations(pkg.depends),
        preDepends: parseRelations(pkg.preDepends),
        recommends: parseRelations(pkg.recommends),
        conflicts: parseRelationList(pkg.conflicts),
        breaks: parseRelationList(pkg.breaks),
      };
      this.parsed.set(pkg, p);
    }
    return p;
  }
}
