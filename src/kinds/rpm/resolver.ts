// The closure of the requested packages for one target: every requirement (plain, versioned, rich, file)
// followed until it holds against the target's base plus the selection; highest EVR, deterministic
// provider choice; conflicts checked at the end. File requirements that primary does not list come back
// as `missingFiles`, so the caller can read filelists for exactly those paths and resolve again.
import { fileName, nevra, type RpmPackage } from './primary.js';
import { holds, parseRich, plan, RichSyntaxError, type Dep, type Rich, type RichWorld } from './richdep.js';
import { ProvidesIndex, obsoletes } from './provides.js';
import { compareEvr, formatEvr } from './vercmp.js';
import { unsatisfiable } from './errors.js';

export interface ResolveInput {
  /** Every candidate package of the upstreams, already filtered by arch and module streams. */
  packages: RpmPackage[];
  /** What the manifest asks for: `name`, `name >= 1.2`, or a rich expression. */
  roots: string[];
  /** What the target already has (its own provides included). */
  base: RpmPackage[];
  /** Preferred providers, first wins, before the shortest-name rule. */
  prefer?: string[];
  /** Providers of file paths primary does not list (from filelists). */
  extraFiles?: Map<string, RpmPackage[]>;
  /** The wanted arches, most preferred first (x86_64 before i686 when both provide a requirement). */
  arches?: string[];
  /** Skip what cannot be satisfied instead of failing (for built-in base profiles). */
  lenient?: boolean;
}

export interface ResolveResult {
  selected: RpmPackage[];
  missingFiles: string[];
}

const richCache = new Map<string, Rich>();

function richOf(dep: Dep): Rich {
  if (!dep.name.startsWith('(')) return { op: 'dep', dep };
  let r = richCache.get(dep.name);
  if (!r) richCache.set(dep.name, (r = parseRich(dep.name)));
  return r;
}

export function resolve(input: ResolveInput): ResolveResult {
  return new Resolver(input).run();
}

class Resolver implements RichWorld<RpmPackage> {
  private readonly candidates_: ProvidesIndex;
  private readonly installed_: ProvidesIndex;
  private readonly baseByName = new Map<string, RpmPackage>();
  private readonly selected = new Map<string, RpmPackage>(); // name.arch → package
  private readonly why = new Map<RpmPackage, { parent?: RpmPackage; dep: string }>();
  private readonly missingFiles = new Set<string>();
  private readonly queue: RpmPackage[] = [];

  constructor(private readonly input: ResolveInput) {
    this.candidates_ = new ProvidesIndex(input.packages);
    this.installed_ = new ProvidesIndex(input.base);
    for (const b of input.base) this.baseByName.set(`${b.name}.${b.arch}`, b);
    for (const [path, pkgs] of input.extraFiles ?? []) for (const p of pkgs) this.candidates_.addFiles(p, [path]);
    this.extraFiles = input.extraFiles ?? new Map();
  }

  private readonly extraFiles: Map<string, RpmPackage[]>;

  run(): ResolveResult {
    for (const root of this.input.roots) {
      const pinnedArch = this.archRoot(root);
      if (pinnedArch) this.select(pinnedArch, undefined, root);
      else this.require(undefined, this.parseRoot(root), root);
    }
    for (let changed = true; changed; ) {
      while (this.queue.length > 0) this.expand(this.queue.shift()!);
      changed = this.recheckConditionals();
    }
    this.checkConflicts();
    const selected = [...this.selected.values()].sort((a, b) => (nevra(a) < nevra(b) ? -1 : 1));
    return { selected, missingFiles: [...this.missingFiles].sort() };
  }

  /** `name.arch`, as dnf takes it (`glibc.i686`), when nothing provides the whole text as a name. */
  private archRoot(text: string): RpmPackage | undefined {
    const m = /^([^\s()]+)\.([a-z0-9_]+)$/.exec(text.trim());
    if (!m || this.candidates_.has(m[0]) || !(this.input.arches ?? []).includes(m[2]!)) return undefined;
    const options = this.candidates({ name: m[1]! }).filter((p) => p.arch === m[2]);
    if (options.length === 0) throw unsatisfiable([], `nothing provides ${m[1]} for arch ${m[2]}`);
    return this.choose(options);
  }

  private parseRoot(text: string): Rich {
    try {
      return parseRich(text.trim());
    } catch (err) {
      throw unsatisfiable([], `cannot read package request "${text}": ${(err as Error).message}`);
    }
  }

  private expand(pkg: RpmPackage): void {
    for (const dep of pkg.requires) {
      if (dep.name.startsWith('rpmlib(')) continue;
      this.require(pkg, this.richOrFail(pkg, dep), dep.name);
    }
  }

  private richOrFail(pkg: RpmPackage, dep: Dep): Rich {
    try {
      return richOf(dep);
    } catch (err) {
      if (err instanceof RichSyntaxError) throw unsatisfiable(this.chain(pkg), `cannot read requirement ${dep.name}: ${err.message}`);
      throw err;
    }
  }

  private require(parent: RpmPackage | undefined, rich: Rich, text: string): void {
    const added = plan(rich, this);
    if (added === undefined) {
      if (rich.op === 'dep' && rich.dep.name.startsWith('/') && !this.extraFiles.has(rich.dep.name)) {
        this.missingFiles.add(rich.dep.name);
        return;
      }
      if (this.input.lenient) return;
      const chain = parent ? this.chain(parent) : [];
      throw unsatisfiable(chain, `nothing provides ${describe(rich, text)}${parent ? ` (needed by ${nevra(parent)})` : ''}`);
    }
    for (const p of added) this.select(p, parent, text);
  }

  private select(pkg: RpmPackage, parent: RpmPackage | undefined, dep: string): void {
    const key = `${pkg.name}.${pkg.arch}`;
    if (this.selected.has(key)) return;
    this.selected.set(key, pkg);
    this.installed_.add(pkg);
    this.why.set(pkg, { parent, dep });
    this.queue.push(pkg);
  }

  /** Conditional requirements (`if`, `unless`) may start to apply once more packages are selected. */
  private recheckConditionals(): boolean {
    let changed = false;
    for (const pkg of [...this.selected.values()]) {
      for (const dep of pkg.requires) {
        if (!dep.name.startsWith('(') || holds(richOf(dep), this)) continue;
        this.require(pkg, richOf(dep), dep.name);
        changed = true;
      }
    }
    return changed || this.queue.length > 0;
  }

  /** Conflicts of the selection with itself and the base (both ways), and obsoletes within the selection. */
  private checkConflicts(): void {
    const selected = [...this.selected.values()];
    for (const pkg of [...selected, ...this.input.base]) {
      for (const dep of pkg.conflicts) {
        if (dep.name.startsWith('(')) continue;
        const hit = this.installed(dep).find((o) => o !== pkg && o.name !== pkg.name && (this.isSelected(pkg) || this.isSelected(o)));
        if (hit) throw unsatisfiable(this.chain(pkg), `${nevra(pkg)} conflicts with ${dep.name}, which ${nevra(hit)} provides (${this.origin(hit)})`);
      }
    }
    const byName = new Map<string, RpmPackage[]>();
    for (const p of selected) byName.set(p.name, (byName.get(p.name) ?? []).concat(p));
    for (const pkg of selected) {
      const gone = pkg.obsoletes.flatMap((o) => byName.get(o.name) ?? []).find((o) => obsoletes(pkg, o));
      if (gone) throw unsatisfiable(this.chain(pkg), `${nevra(pkg)} obsoletes ${nevra(gone)}, which is needed too (${this.origin(gone)})`);
    }
  }

  private isSelected(pkg: RpmPackage): boolean {
    return this.selected.get(`${pkg.name}.${pkg.arch}`) === pkg;
  }

  private origin(pkg: RpmPackage): string {
    return this.isSelected(pkg) ? `selected for ${this.chain(pkg).join(' → ')}` : 'in the target base';
  }

  /** The packages from a root down to `pkg`. */
  private chain(pkg: RpmPackage): string[] {
    const out: string[] = [];
    for (let p: RpmPackage | undefined = pkg; p && out.length < 50; p = this.why.get(p)?.parent) out.unshift(p.name);
    return out;
  }

  // RichWorld: what is installed, what could be, and which one to take.
  installed(dep: Dep): RpmPackage[] {
    return this.installed_.find(dep);
  }

  candidates(dep: Dep): RpmPackage[] {
    const found = this.candidates_.find(dep).filter((p) => this.canInstall(p));
    return found.filter((p) => !found.some((q) => obsoletes(q, p)));
  }

  /** One version per name.arch, and never a downgrade of the base. */
  private canInstall(p: RpmPackage): boolean {
    const key = `${p.name}.${p.arch}`;
    const chosen = this.selected.get(key);
    if (chosen) return chosen === p;
    const base = this.baseByName.get(key);
    return !base || compareEvr(p.evr, base.evr) >= 0;
  }

  choose(options: RpmPackage[]): RpmPackage {
    const prefer = this.input.prefer ?? [];
    const rank = (p: RpmPackage) => {
      const i = prefer.indexOf(p.name);
      return i < 0 ? prefer.length : i;
    };
    const arches = this.input.arches ?? [];
    const archRank = (p: RpmPackage) => (arches.includes(p.arch) ? arches.indexOf(p.arch) : arches.length);
    return [...options].sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || cmp(a.name, b.name) || compareEvr(b.evr, a.evr) || archRank(a) - archRank(b) || cmp(a.arch, b.arch) || cmp(fileName(a), fileName(b)))[0]!;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function describe(rich: Rich, text: string): string {
  if (rich.op !== 'dep' || !rich.dep.flags || !rich.dep.evr) return text;
  const op = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=' }[rich.dep.flags];
  return `${rich.dep.name} ${op} ${formatEvr(rich.dep.evr)}`;
}
