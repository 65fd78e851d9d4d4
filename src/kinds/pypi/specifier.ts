// PEP 440 version specifiers ("~=1.4.2, !=1.4.5, <2"), hand-written with pep440.ts (see there for why).
import { compareVersions, isPrerelease, parseVersion, type Version } from './pep440.js';

export interface Clause {
  op: string;
  version: string;
}

export interface Specifier {
  clauses: Clause[];
  text: string;
}

const CLAUSE_RE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9][^\s,;]*)\s*$/;

/** Parse "a, b, c"; throws on a clause that is not a specifier. An empty string matches everything. */
export function parseSpecifier(text: string): Specifier {
  const clauses: Clause[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const m = CLAUSE_RE.exec(part);
    if (!m) throw new Error(`"${part.trim()}" is not a version specifier (PEP 440: e.g. >=1.2, ==2.0.*, ~=3.1)`);
    clauses.push({ op: m[1]!, version: m[2]! });
  }
  return { clauses, text: clauses.map((c) => c.op + c.version).join(',') };
}

/** Whether any clause names a pre-release, which lets pre-releases match (PEP 440). */
export function allowsPrereleases(spec: Specifier): boolean {
  return spec.clauses.some((c) => {
    const v = parseVersion(c.version.replace(/\.\*$/, ''));
    return v !== undefined && isPrerelease(v) && c.op !== '!=';
  });
}

export function matches(spec: Specifier, version: Version, opts: { prereleases?: boolean } = {}): boolean {
  if (isPrerelease(version) && !(opts.prereleases ?? allowsPrereleases(spec))) return false;
  return spec.clauses.every((c) => matchClause(c, version));
}

function matchClause({ op, version: text }: Clause, v: Version): boolean {
  if (op === '===') return v.text.toLowerCase() === text.toLowerCase();
  if (text.endsWith('.*')) {
    const prefix = parseVersion(text.slice(0, -2));
    if (!prefix || (op !== '==' && op !== '!=')) return false;
    const hit = prefixMatch(prefix, v);
    return op === '==' ? hit : !hit;
  }
  const s = parseVersion(text);
  if (!s) return false;
  const local = s.local === undefined ? { ...v, local: undefined } : v;
  const cmp = compareVersions(local, s);
  switch (op) {
    case '==': return cmp === 0;
    case '!=': return cmp !== 0;
    case '<=': return cmp <= 0;
    case '>=': return cmp >= 0;
    // <V excludes pre-releases of V, >V excludes post-releases of V unless V is one itself.
    case '<': return cmp < 0 && !(s.pre === undefined && v.pre !== undefined && sameRelease(s, v));
    case '>': return cmp > 0 && !(s.post === undefined && v.post !== undefined && sameRelease(s, v)) && !(v.local && sameRelease(s, v) && v.post === s.post);
    case '~=': return compatible(s, v);
  }
  return false;
}

function sameRelease(a: Version, b: Version): boolean {
  return a.epoch === b.epoch && compareVersions({ ...a, pre: undefined, post: undefined, dev: undefined, local: undefined }, { ...b, pre: undefined, post: undefined, dev: undefined, local: undefined }) === 0;
}

function prefixMatch(prefix: Version, v: Version): boolean {
  if (prefix.epoch !== v.epoch) return false;
  const release = [...v.release];
  while (release.length < prefix.release.length) release.push(0);
  if (!prefix.release.every((n, i) => release[i] === n)) return false;
  if (prefix.pre && (!v.pre || v.pre[0] !== prefix.pre[0] || v.pre[1] !== prefix.pre[1])) return false;
  return true;
}

/** ~=2.2.1 means >=2.2.1, ==2.2.* */
function compatible(s: Version, v: Version): boolean {
  if (s.release.length < 2) return false;
  const ge = compareVersions({ ...v, local: undefined }, s) >= 0;
  const prefix: Version = { epoch: s.epoch, release: s.release.slice(0, -1), text: '' };
  return ge && prefixMatch(prefix, v);
}
