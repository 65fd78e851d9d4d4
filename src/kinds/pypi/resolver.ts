// A backtracking resolver for one target: depth first over the pending requirements, trying each
// project's versions newest first, undoing a choice when a later requirement cannot be met. Markers,
// Requires-Python and wheel tags are all evaluated for the TARGET. An unsatisfiable set is one
// DEPENDENCY_UNSATISFIABLE error that names the requirements which conflicted.
import { AirlockError } from '../../core/errors.js';
import { evaluateMarker, type MarkerEnv } from './markers.js';
import { compareVersions, parseVersion, normalizeVersion, type Version } from './pep440.js';
import { parseRequirement, type Requirement } from './requirement.js';
import { matches, parseSpecifier } from './specifier.js';
import { wheelRank } from './tags.js';
import { fileVersion, type IndexFile } from './upstream.js';
import type { CoreMetadata } from './metadata.js';

export interface Provider {
  /** The project's files on the index; undefined when the index does not know the project. */
  files(name: string): Promise<IndexFile[] | undefined>;
  metadata(file: IndexFile): Promise<CoreMetadata>;
}

export interface ResolveTarget {
  env: MarkerEnv;
  supported: Map<string, number>;
}

export interface Pin {
  name: string;
  version: string;
  file: IndexFile;
  files: IndexFile[];
}

interface Item {
  req: Requirement;
  from: string;
}

interface State {
  pins: Map<string, Pin & { parsed: Version }>;
  extras: Map<string, Set<string>>;
  constraints: Map<string, Item[]>;
}

interface Conflict {
  conflict: string;
  items: Item[];
}

const MAX_STEPS = 20_000;

export async function resolve(roots: string[], target: ResolveTarget, provider: Provider): Promise<Pin[]> {
  let steps = 0;
  const items = roots.map((text) => ({ req: parseRequirement(text), from: 'the manifest' })).filter((i) => applies(i.req, target.env, ''));
  const solve = async (pending: Item[], state: State): Promise<State | Conflict> => {
    if (++steps > MAX_STEPS) throw new AirlockError('DEPENDENCY_UNSATISFIABLE', `gave up after ${MAX_STEPS} resolution steps`, { hint: 'pin more requirements with == to narrow the search' });
    const [item, ...rest] = pending;
    if (!item) return state;
    const name = item.req.name;
    const constraints = new Map(state.constraints).set(name, [...(state.constraints.get(name) ?? []), item]);
    const pin = state.pins.get(name);
    if (pin) {
      if (!matches(item.req.specifier, pin.parsed, { prereleases: true })) return { conflict: name, items: constraints.get(name)! };
      const done = state.extras.get(name) ?? new Set<string>();
      const added = item.req.extras.filter((e) => !done.has(e));
      if (!added.length) return solve(rest, { ...state, constraints });
      const deps = depsOf(await provider.metadata(pin.file), added, target.env, `${name} ${pin.version}`, true);
      return solve([...rest, ...deps], { ...state, constraints, extras: new Map(state.extras).set(name, new Set([...done, ...added])) });
    }
    const candidates = await candidatesFor(name, constraints.get(name)!, target, provider);
    // With nothing left to try, name every requirement on this project, also those still waiting.
    let last: Conflict = { conflict: name, items: [...constraints.get(name)!, ...rest.filter((i) => i.req.name === name)] };
    for (const c of candidates) {
      const meta = await provider.metadata(c.file);
      if (meta.requiresPython && !pythonOk(meta.requiresPython, target.env)) continue;
      const deps = depsOf(meta, item.req.extras, target.env, `${name} ${c.version}`, false);
      const pins = new Map(state.pins).set(name, c);
      const result = await solve([...rest, ...deps], { pins, constraints, extras: new Map(state.extras).set(name, new Set(item.req.extras)) });
      if ('pins' in result) return result;
      last = result;
    }
    return last;
  };
  const result = await solve(items, { pins: new Map(), extras: new Map(), constraints: new Map() });
  if ('pins' in result) return [...result.pins.values()].map(({ parsed: _p, ...pin }) => pin).sort((a, b) => a.name.localeCompare(b.name));
  throw unsatisfiable(result);
}

function unsatisfiable(c: Conflict): AirlockError {
  const why = c.items.map((i) => `"${i.req.text}" (from ${i.from})`).join(', ');
  return new AirlockError('DEPENDENCY_UNSATISFIABLE', `no version of ${c.conflict} satisfies ${why} for this target`, {
    hint: 'relax one of these requirements, or check the target\'s python and platform',
    data: { project: c.conflict, requirements: c.items.map((i) => ({ requirement: i.req.text, from: i.from })) },
  });
}

function applies(req: Requirement, env: MarkerEnv, extra: string): boolean {
  return !req.marker || evaluateMarker(req.marker, { ...env, extra });
}

function pythonOk(spec: string, env: MarkerEnv): boolean {
  try {
    return matches(parseSpecifier(spec), parseVersion(env.python_full_version!)!, { prereleases: true });
  } catch {
    return true; // an unreadable Requires-Python is ignored, as pip does
  }
}

/** Requires-Dist lines that apply to the target: the base set, or only those of newly added extras. */
function depsOf(meta: CoreMetadata, extras: string[], env: MarkerEnv, from: string, extrasOnly: boolean): Item[] {
  const items: Item[] = [];
  for (const line of meta.requiresDist) {
    const req = parseRequirement(line);
    const base = !extrasOnly && applies(req, env, '');
    if (base || extras.some((e) => applies(req, env, e) && !applies(req, env, ''))) items.push({ req, from });
  }
  return items;
}

async function candidatesFor(name: string, items: Item[], target: ResolveTarget, provider: Provider): Promise<(Pin & { parsed: Version })[]> {
  const files = await provider.files(name);
  if (!files) throw new AirlockError('FETCH_FAILED', `the index does not know the project "${name}" (required by ${items[0]!.from})`, { hint: 'check the name, or the python.index URL' });
  const exact = items.some((i) => i.req.specifier.clauses.some((c) => (c.op === '==' || c.op === '===') && !c.version.endsWith('.*')));
  const byVersion = new Map<string, { parsed: Version; files: IndexFile[] }>();
  for (const f of files) {
    const text = fileVersion(f.filename, name);
    const parsed = text ? parseVersion(text) : undefined;
    if (!parsed) continue;
    const key = normalizeVersion(parsed);
    const group = byVersion.get(key) ?? byVersion.set(key, { parsed, files: [] }).get(key)!;
    group.files.push(f);
  }
  const out: (Pin & { parsed: Version })[] = [];
  for (const [version, { parsed, files: group }] of byVersion) {
    if (!items.every((i) => matches(i.req.specifier, parsed))) continue;
    const usable = group.filter((f) => (!f.yanked || exact) && (!f.requiresPython || pythonOk(f.requiresPython, target.env)));
    const best = bestWheel(usable, target.supported);
    if (best) out.push({ name, version, file: best, files: group, parsed });
  }
  return out.sort((a, b) => compareVersions(b.parsed, a.parsed));
}

function bestWheel(files: IndexFile[], supported: Map<string, number>): IndexFile | undefined {
  let best: { f: IndexFile; rank: number } | undefined;
  for (const f of files) {
    const rank = wheelRank(f.filename, supported);
    if (rank !== undefined && (!best || rank < best.rank)) best = { f, rank };
  }
  return best?.f;
}
