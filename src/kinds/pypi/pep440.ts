// PEP 440 versions and specifiers, hand-written because no maintained library could be added in this
// session (docs/DEPENDENCIES.md names @renovatebot/pep440 as the intended replacement). Versions compare
// by a normalized key; specifiers implement ==, !=, <, <=, >, >=, ~=, === and the `.*` prefix forms.

export interface Version {
  epoch: number;
  release: number[];
  /** ['a'|'b'|'rc', n] */
  pre?: [string, number];
  post?: number;
  dev?: number;
  local?: string;
  text: string;
}

const VERSION_RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE_NAMES: Record<string, string> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const v: Version = { epoch: Number(m[1] ?? 0), release: m[2]!.split('.').map(Number), text: text.trim() };
  if (m[3]) v.pre = [PRE_NAMES[m[3].toLowerCase()]!, Number(m[4] || 0)];
  if (m[5] !== undefined) v.post = Number(m[5]);
  else if (m[6]) v.post = Number(m[7] || 0);
  if (m[8]) v.dev = Number(m[9] || 0);
  if (m[10]) v.local = m[10].toLowerCase().replace(/[-_]/g, '.');
  return v;
}

export function isPrerelease(v: Version): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}

/** The canonical text of a version (1.0.0-RC1 → 1.0.0rc1). */
export function normalizeVersion(v: Version): string {
  let s = (v.epoch ? `${v.epoch}!` : '') + v.release.join('.');
  if (v.pre) s += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local}`;
  return s;
}

const PRE_ORDER: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** The sort key PEP 440 defines: dev < pre < final < post, trailing zeros of the release ignored. */
function key(v: Version): number[] {
  const release = [...v.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  // Pre-release slot: a lone .devN sorts before any pre-release; a final release after all of them.
  const pre = v.pre ? [PRE_ORDER[v.pre[0]]!, v.pre[1]] : v.dev !== undefined && v.post === undefined ? [-1, 0] : [9, 0];
  const post = v.post !== undefined ? [1, v.post] : [0, 0];
  const dev = v.dev !== undefined ? [0, v.dev] : [1, 0];
  return [v.epoch, release.length, ...pre, ...post, ...dev].concat(release);
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return Math.sign(a.epoch - b.epoch);
  const r = compareRelease(a.release, b.release);
  if (r) return r;
  const ka = key(a).slice(2, 8);
  const kb = key(b).slice(2, 8);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return Math.sign(ka[i]! - kb[i]!);
  return compareLocal(a.local, b.local);
}

function compareLocal(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
