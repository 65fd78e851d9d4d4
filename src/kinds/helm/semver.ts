// Chart versions and the constraints Chart.yaml dependencies use (helm's Masterminds/semver syntax:
// `1.2.3`, `^1.2`, `~1.2.0`, `>=1.0.0 <2.0.0`, `>= 1.0, < 2`, `1.x`, `*`, `a || b`). Hand-written: npm's
// semver reads commas and a few operators differently, and it is not a direct dependency.
export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: +m[1]!, minor: +(m[2] ?? 0), patch: +(m[3] ?? 0), pre: m[4] ?? '' };
}

export function compareVersions(a: Version, b: Version): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return d;
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1; // a release sorts after its prereleases
  if (b.pre === '') return -1;
  return a.pre < b.pre ? -1 : 1;
}

type Test = (v: Version) => boolean;

/** A predicate for a constraint string; undefined when it cannot be read. */
export function parseConstraint(text: string): Test | undefined {
  const alternatives = text.split('||').map((alt) => andOf(alt));
  if (alternatives.some((t) => t === undefined)) return undefined;
  return (v) => alternatives.some((t) => t!(v));
}

function andOf(text: string): Test | undefined {
  const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(text);
  if (hyphen) return andOf(`>=${hyphen[1]} <=${hyphen[2]}`);
  const parts = text.replace(/([<>=!~^]+)\s+/g, '$1').split(/[\s,]+/).filter((p) => p !== '');
  const tests = parts.map(single);
  if (tests.length === 0) return () => true;
  if (tests.some((t) => t === undefined)) return undefined;
  // Prereleases match only a constraint that names a prerelease itself, as in Masterminds/semver.
  const allowsPre = parts.some((p) => p.includes('-'));
  return (v) => (allowsPre || v.pre === '') && tests.every((t) => t!(v));
}

function single(part: string): Test | undefined {
  const m = /^(=|!=|>=|<=|>|<|~|\^)?v?((\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?)$/.exec(part);
  if (part === '*' || part === 'x' || part === 'X') return () => true;
  if (!m) return undefined;
  const op = m[1] ?? '';
  const wild = (s?: string) => s === undefined || /^[xX*]$/.test(s);
  const [maj, min, pat] = [m[3], m[4], m[5]];
  const base = parseVersion(m[2]!.replace(/[xX*]/g, '0'))!;
  const cmp = (v: Version) => compareVersions(v, base);
  const next = (level: 'major' | 'minor'): Version =>
    level === 'major' ? { major: base.major + 1, minor: 0, patch: 0, pre: '' } : { major: base.major, minor: base.minor + 1, patch: 0, pre: '' };
  const below = (limit: Version) => (v: Version) => compareVersions(v, limit) < 0;
  if (op === '' || op === '=') {
    if (wild(maj)) return () => true;
    if (wild(min)) return (v) => cmp(v) >= 0 && below(next('major'))(v);
    if (wild(pat)) return (v) => cmp(v) >= 0 && below(next('minor'))(v);
    return (v) => cmp(v) === 0;
  }
  if (op === '!=') return (v) => cmp(v) !== 0;
  if (op === '>') return (v) => cmp(v) > 0;
  if (op === '>=') return (v) => cmp(v) >= 0;
  if (op === '<') return (v) => cmp(v) < 0;
  if (op === '<=') return (v) => cmp(v) <= 0;
  if (op === '~') return (v) => cmp(v) >= 0 && below(wild(min) ? next('major') : next('minor'))(v);
  // ^: the leftmost non-zero part stays fixed (^0.2.3 means <0.3.0).
  const limit = base.major > 0 || wild(min) ? next('major') : base.minor > 0 || wild(pat) ? next('minor') : { ...base, patch: base.patch + 1 };
  return (v) => cmp(v) >= 0 && below(limit)(v);
}
