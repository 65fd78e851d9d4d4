// rpm's version ordering (rpmvercmp) and EVR matching of dependencies, written from rpm's documented
// rules: alphanumeric segments compared numerically or lexically, `~` sorts before everything (even the
// end of the string), `^` sorts after the end but before any further segment.

const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string) => isDigit(c) || isAlpha(c);

/** -1, 0 or 1 as `rpm.vercmp(a, b)`. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]!) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]!) && b[j] !== '~' && b[j] !== '^') j++;
    const x = a[i] ?? '';
    const y = b[j] ?? '';
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i++, j++;
      continue;
    }
    if (x === '^' || y === '^') {
      if (x === '') return -1;
      if (y === '') return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i++, j++;
      continue;
    }
    if (x === '' || y === '') break;
    const numeric = isDigit(x);
    const take = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && take(a[ei]!)) ei++;
    while (ej < b.length && take(b[ej]!)) ej++;
    if (ej === j) return numeric ? 1 : -1;
    const rc = compareSegment(a.slice(i, ei), b.slice(j, ej), numeric);
    if (rc !== 0) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function compareSegment(s: string, t: string, numeric: boolean): number {
  if (numeric) {
    s = s.replace(/^0+/, '');
    t = t.replace(/^0+/, '');
    if (s.length !== t.length) return s.length > t.length ? 1 : -1;
  }
  return s === t ? 0 : s > t ? 1 : -1;
}

export interface Evr {
  epoch?: string;
  version: string;
  release?: string;
}

/** `[epoch:]version[-release]` as written in a dependency or an `rpm -qa` line. */
export function parseEvr(text: string): Evr {
  const colon = text.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? text.slice(0, colon) : undefined;
  const rest = epoch === undefined ? text : text.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  return dash < 0 ? { epoch, version: rest } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

export function formatEvr(e: Evr): string {
  const head = e.epoch && e.epoch !== '0' ? `${e.epoch}:` : '';
  return `${head}${e.version}${e.release ? `-${e.release}` : ''}`;
}

/** Order two EVRs; a release missing on either side is not compared (as rpm does for `foo >= 1.0`). */
export function compareEvr(a: Evr, b: Evr): number {
  const ea = Number(a.epoch || 0);
  const eb = Number(b.epoch || 0);
  if (ea !== eb) return ea > eb ? 1 : -1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0 || !a.release || !b.release) return v;
  return rpmvercmp(a.release, b.release);
}

/** Dependency flags as primary.xml writes them. */
export type DepFlag = 'EQ' | 'LT' | 'LE' | 'GT' | 'GE';

const SENSE: Record<DepFlag, { lt: boolean; eq: boolean; gt: boolean }> = {
  EQ: { lt: false, eq: true, gt: false },
  LT: { lt: true, eq: false, gt: false },
  LE: { lt: true, eq: true, gt: false },
  GT: { lt: false, eq: false, gt: true },
  GE: { lt: false, eq: true, gt: true },
};

/** Do two versioned ranges overlap? A side without flags (unversioned) matches everything. */
export function rangesOverlap(provide: { flags?: DepFlag; evr?: Evr }, require: { flags?: DepFlag; evr?: Evr }): boolean {
  if (!provide.flags || !require.flags || !provide.evr || !require.evr) return true;
  const p = SENSE[provide.flags];
  const r = SENSE[require.flags];
  const sense = compareEvr(provide.evr, require.evr);
  if (sense < 0) return p.gt || r.lt;
  if (sense > 0) return p.lt || r.gt;
  return (p.eq && r.eq) || (p.lt && r.lt) || (p.gt && r.gt);
}
