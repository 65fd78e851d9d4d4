// Minimal version selection over the module graph, with graph pruning as the Go modules reference
// describes it (go.dev/ref/mod#graph-pruning): a module whose go.mod says go ≥ 1.17 lists every module
// its packages need, so when it is reached through the pruned graph only its own go.mod is read and its
// requirements become nodes whose go.mod files are not loaded. A module at go < 1.17 (or any module
// reached from one) is unpruned: its requirements are loaded transitively. The main module's go version
// decides how its roots are loaded. Excluded versions are dropped from every requirement list.
import { goAtLeast, type GoModFile, type ModuleVersion, type Requirement } from './gomodfile.js';
import { maxVersion } from './semver.js';

export interface GraphInput {
  /** The main module's requirements (or the modules a manifest names). */
  roots: ModuleVersion[];
  /** The main module's own go version is ≥ 1.17: its roots are loaded pruned. */
  mainPruned: boolean;
  exclude?: ModuleVersion[];
  /** Read one module version's go.mod (the caller applies replacements and fetches). */
  loadMod(m: ModuleVersion): Promise<GoModFile>;
}

export interface BuildGraph {
  /** The build list: one selected version per module path, sorted by path. */
  selected: ModuleVersion[];
  /** Every module version whose go.mod MVS read. */
  read: ModuleVersion[];
  /** The requirement edges of every module version read. */
  requires: Map<string, Requirement[]>;
}

export const mvKey = (m: ModuleVersion): string => `${m.path}@${m.version}`;

type Pruning = 'pruned' | 'unpruned';

export async function resolveGraph(input: GraphInput): Promise<BuildGraph> {
  const excluded = new Set((input.exclude ?? []).map(mvKey));
  const requires = new Map<string, Requirement[]>();
  const summaries = new Map<string, Promise<GoModFile>>();
  const visited = new Set<string>();
  const summary = (m: ModuleVersion) => {
    let p = summaries.get(mvKey(m));
    if (!p) summaries.set(mvKey(m), (p = input.loadMod(m)));
    return p;
  };
  const enqueue = async (m: ModuleVersion, pruning: Pruning): Promise<void> => {
    // A module loaded pruned may be met again on an unpruned path, where its requirements must be followed.
    const seen = `${pruning} ${mvKey(m)}`;
    if (m.version === 'none' || visited.has(seen)) return;
    visited.add(seen);
    const mod = await summary(m);
    const reqs = mod.require.filter((r) => !excluded.has(mvKey(r)));
    requires.set(mvKey(m), reqs);
    const own: Pruning = goAtLeast(mod.go, '1.17') ? 'pruned' : 'unpruned';
    if (pruning === 'unpruned' || own === 'unpruned') await Promise.all(reqs.map((r) => enqueue(r, 'unpruned')));
  };
  const roots = input.roots.filter((r) => !excluded.has(mvKey(r)));
  await Promise.all(roots.map((r) => enqueue(r, input.mainPruned ? 'pruned' : 'unpruned')));
  return { selected: select(roots, requires), read: [...requires.keys()].map(parseKey), requires };
}

/** MVS: the highest version of each module path among the roots and every requirement edge read. */
function select(roots: ModuleVersion[], requires: Map<string, Requirement[]>): ModuleVersion[] {
  const best = new Map<string, string>();
  const note = (m: ModuleVersion) => best.set(m.path, best.has(m.path) ? maxVersion(best.get(m.path)!, m.version) : m.version);
  roots.forEach(note);
  for (const [key, reqs] of requires) {
    note(parseKey(key));
    reqs.forEach(note);
  }
  return [...best].map(([path, version]) => ({ path, version })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function parseKey(key: string): ModuleVersion {
  const at = key.lastIndexOf('@');
  return { path: key.slice(0, at), version: key.slice(at + 1) };
}
