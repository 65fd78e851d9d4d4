// Go's module versions: semantic versions with a leading "v" (v1.2.3, v1.2.3-pre.1, v2.0.0+incompatible)
// and pseudo-versions (v0.0.0-20191109021931-daa7c04131f5), which are pre-releases and order by their
// timestamp. Hand-written: npm's `semver` rejects the "v" prefix in strict mode and has no notion of
// pseudo-versions or +incompatible, and Go's rules fit in this file.

const CANONICAL = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const PSEUDO = /^v\d+\.\d+\.\d+-(?:[0-9A-Za-z-]+\.)?(?:0\.)?\d{14}-[0-9a-f]{12}(?:\+incompatible)?$/;

interface Parsed {
  nums: [bigint, bigint, bigint];
  pre: string[];
}

function parse(v: string): Parsed | undefined {
  const m = CANONICAL.exec(v);
  if (!m) return undefined;
  return { nums: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split('.') : [] };
}

/** A full vMAJOR.MINOR.PATCH version (Go's module proxies only speak canonical versions). */
export function isValidVersion(v: string): boolean {
  const p = parse(v);
  return p !== undefined && p.pre.every((id) => !/^0\d+$/.test(id));
}

export const isPseudoVersion = (v: string): boolean => PSEUDO.test(v);
export const isPrerelease = (v: string): boolean => (parse(v)?.pre.length ?? 0) > 0;

function compareIds(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (an !== bn) return an ? -1 : 1; // numeric identifiers sort before alphanumeric ones
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence; build metadata (+incompatible) is ignored. Invalid versions sort lowest. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  for (let i = 0; i < 3; i++) if (pa.nums[i] !== pb.nums[i]) return pa.nums[i]! < pb.nums[i]! ? -1 : 1;
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length; // a release beats its pre-releases
  for (let i = 0; i < Math.min(pa.pre.length, pb.pre.length); i++) {
    const c = compareIds(pa.pre[i]!, pb.pre[i]!);
    if (c !== 0) return c;
  }
  return pa.pre.length - pb.pre.length;
}

export const maxVersion = (a: string, b: string): string => (compareVersions(a, b) >= 0 ? a : b);

/** What `@latest` answers from a set of versions: the highest release, else pre-release, else pseudo-version. */
export function latestOf(versions: string[]): string | undefined {
  const pick = (vs: string[]) => vs.reduce<string | undefined>((best, v) => (best === undefined ? v : maxVersion(best, v)), undefined);
  const tagged = versions.filter((v) => !isPseudoVersion(v));
  return pick(tagged.filter((v) => !isPrerelease(v))) ?? pick(tagged) ?? pick(versions);
}
