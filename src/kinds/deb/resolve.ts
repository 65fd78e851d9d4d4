// The closure of a package list for one target: what apt on that target would install, computed from the
// upstream indexes alone. Depends and Pre-Depends (Recommends on request) are followed breadth-first in
// the order given, so the result is deterministic; an alternative or a virtual package already satisfied
// by the base or the selection adds nothing, otherwise the first satisfiable alternative is taken (apt's
// rule; following every alternative is what bloats kubespray-offline's repos).
import { AirlockError } from '../../core/errors.js';
import type { DebPackage, PackageIndex } from './packages.js';
import { archAllowed, formatRelation, type Alternatives, type Relation } from './relations.js';
import { providerMatches, realMatches, Selection } from './selection.js';

export interface ResolveOptions {
  arch: string;
  /** What the target already has, by package name. */
  base: ReadonlyMap<string, DebPackage>;
  recommends?: boolean;
  /** Providers of virtual packages to prefer, in order (e.g. `mawk`, `default-mta`). */
  prefer?: string[];
  /** Names of the suites searched, for messages. */
  suites?: string[];
}

export interface Resolution {
  /** Packages to carry, sorted by name. */
  packages: DebPackage[];
  /** Base packages that had to be upgraded (a dependency needs a newer version, or a Breaks). */
  upgraded: string[];
  /** Why each package is there: the chain from a root. */
  why: Map<string, string[]>;
}

const PRIORITY_RANK: Record<string, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };

export function resolve(index: PackageIndex, roots: Alternatives[], opts: ResolveOptions): Resolution {
  const r = new Resolver(index, opts);
  for (const root of roots) r.root(root);
  r.drain();
  r.fixBase();
  return r.result();
}

class Resolver {
  readonly sel: Selection;
  private readonly queue: DebPackage[] = [];
  private readonly parent = new Map<string, { from?: string; via: string }>();
  private readonly upgraded = new Set<string>();

  constructor(private readonly index: PackageIndex, private readonly opts: ResolveOptions) {
    this.sel = new Selection(opts.base);
  }

  /**
   * A package the user names is installed as itself when it is a real package the target lacks, as
   * `apt-get install NAME` does, even when something installed already provides the name.
   */
  root(alts: Alternatives): void {
    const rel = alts[0]!;
    const cand = alts.length === 1 && !this.sel.effective(rel.name) ? this.index.candidate(rel.name) : undefined;
    if (cand && realMatches(cand, rel)) return this.select(cand, undefined, formatRelation(rel));
    this.need(alts, undefined, false);
  }

  /** Make sure one dependency is satisfied; `optional` (Recommends) never fails. */
  need(alts: Alternatives, from: string | undefined, optional: boolean): void {
    const usable = alts.filter((a) => archAllowed(a, this.opts.arch));
    if (usable.length === 0 || usable.some((a) => this.sel.satisfier(a))) return;
    for (const rel of usable) {
      const pick = this.choose(rel);
      if (pick) return this.select(pick, from, alts.map(formatRelation).join(' | '));
    }
    if (!optional) throw this.unsatisfiable(alts, from);
  }

  /** The package that would satisfy a relation: the real package's candidate, else the best provider. */
  private choose(rel: Relation): DebPackage | undefined {
    if (rel.archQualifier && !['any', 'native', this.opts.arch].includes(rel.archQualifier)) return undefined;
    const cand = this.index.candidate(rel.name);
    if (cand && realMatches(cand, rel) && !this.blocked(cand)) return cand;
    const providers = this.index
      .providersOf(rel.name)
      .filter((p) => this.index.candidate(p.pkg.name) === p.pkg && providerMatches(p, rel) && !this.blocked(p.pkg))
      .map((p) => p.pkg);
    return providers.sort((a, b) => this.rank(a) - this.rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
  }

  /**
   * A package clashes with what the target will have. A clash with a base package whose candidate
   * does not clash is no obstacle: fixBase() upgrades that base package, as apt would.
   */
  private blocked(pkg: DebPackage): boolean {
    const c = this.sel.clash(this.index, pkg);
    if (!c) return false;
    const other = c.other;
    if (this.sel.chosen.has(other.name)) return true;
    const cand = this.index.candidate(other.name);
    if (!cand || cand.version === other.version) return true;
    // Would the upgraded base package still clash? (pkg's relation hits it, or its own relations hit pkg)
    if (c.by === pkg) return realMatches(cand, c.rel);
    const theirs = this.index.relations(cand);
    return [...theirs.conflicts, ...theirs.breaks].some((r) => r.name === pkg.name && realMatches(pkg, r));
  }

  /** Lower is better: listed in `prefer`, then by Priority. */
  private rank(pkg: DebPackage): number {
    const at = (this.opts.prefer ?? []).indexOf(pkg.name);
    return (at >= 0 ? at : 1000) * 10 + (PRIORITY_RANK[pkg.priority] ?? 5);
  }

  select(pkg: DebPackage, from: string | undefined, via: string): void {
    if (this.sel.chosen.get(pkg.name) === pkg) return;
    if (this.opts.base.has(pkg.name)) this.upgraded.add(pkg.name);
    this.sel.add(pkg);
    this.parent.set(pkg.name, { from, via });
    this.queue.push(pkg);
  }

  drain(): void {
    for (let pkg = this.queue.shift(); pkg; pkg = this.queue.shift()) {
      const rels = this.index.relations(pkg);
      for (const dep of [...rels.preDepends, ...rels.depends]) this.need(dep, pkg.name, false);
      if (this.opts.recommends) for (const dep of rels.recommends) this.need(dep, pkg.name, true);
    }
  }

  /**
   * The base after the install must still be consistent: a base package whose dependency an upgrade
   * broke (`libfoo (= 1.0)` after libfoo went to 1.1), or that clashes with a chosen package, is
   * upgraded to its candidate too; if that does not help, the resolve fails.
   */
  fixBase(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, pkg] of this.opts.base) {
        if (this.sel.chosen.has(name)) continue;
        const problem = this.baseProblem(pkg);
        if (!problem) continue;
        const cand = this.index.candidate(name);
        if (!cand || cand.version === pkg.version) throw this.conflict(problem);
        this.select(cand, undefined, `${name} (upgrade: ${problem})`);
        this.drain();
        changed = true;
      }
    }
    for (const pkg of this.sel.chosen.values()) {
      const c = this.sel.clash(this.index, pkg);
      if (c) throw this.conflict(`${c.by.name} ${c.by.version} conflicts with ${formatRelation(c.rel)} (${c.other.name} ${c.other.version})`, pkg.name);
    }
  }

  private baseProblem(pkg: DebPackage): string | undefined {
    const rels = this.index.relations(pkg);
    for (const dep of [...rels.preDepends, ...rels.depends]) {
      const usable = dep.filter((a) => archAllowed(a, this.opts.arch));
      if (usable.length > 0 && !usable.some((a) => this.sel.satisfier(a))) return `${pkg.name} depends on ${usable.map(formatRelation).join(' | ')}`;
    }
    const c = this.sel.clash(this.index, pkg);
    return c && this.sel.chosen.has(c.other.name) ? `${c.by.name} conflicts with ${formatRelation(c.rel)}` : undefined;
  }

  chain(name: string | undefined): string[] {
    const out: string[] = [];
    for (let n = name; n !== undefined && out.length < 64; n = this.parent.get(n)?.from) out.unshift(n);
    return out;
  }

  private unsatisfiable(alts: Alternatives, from: string | undefined): AirlockError {
    const want = alts.map(formatRelation).join(' | ');
    const path = [...this.chain(from), want];
    const chain = path.length > 1 ? path.join(' → ') : 'listed in packages';
    const have = alts.map((a) => this.index.candidate(a.name)).filter((p): p is DebPackage => p !== undefined).map((p) => `${p.name} ${p.version}`);
    return new AirlockError('DEPENDENCY_UNSATISFIABLE', `cannot satisfy ${want}: ${chain}`, {
      hint: `${have.length > 0 ? `the indexes have ${have.join(', ')}; ` : 'no package in the listed suites provides it; '}add the suite or component that has it (${(this.opts.suites ?? []).join(', ') || 'upstream suites'} searched), or drop the package that needs it`,
      data: { chain: path, arch: this.opts.arch },
    });
  }

  private conflict(problem: string, name?: string): AirlockError {
    const chain = this.chain(name);
    return new AirlockError('DEPENDENCY_UNSATISFIABLE', `${problem}${chain.length > 0 ? `: ${chain.join(' → ')}` : ''}`, {
      hint: 'drop one of the clashing packages from the list, or give the target profile that matches the real target (base: ./status)',
      data: { chain, arch: this.opts.arch },
    });
  }

  result(): Resolution {
    const packages = [...this.sel.chosen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const why = new Map(packages.map((p) => [p.name, this.chain(p.name)]));
    return { packages, upgraded: [...this.upgraded].sort(), why };
  }
}
