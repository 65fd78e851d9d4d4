// dpkg version ordering (deb-version(7)): [epoch:]upstream[-revision]. Upstream and revision each
// compare as alternating runs of non-digits (letters before non-letters, `~` before everything, even
// the end of the string) and digits (numerically). Tested against `dpkg --compare-versions` in
// test/deb-version.test.ts.

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export function parseVersion(v: string): DebVersion {
  const s = v.trim();
  const colon = s.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(s.slice(0, colon)) ? Number(s.slice(0, colon)) : 0;
  const rest = colon > 0 ? s.slice(colon + 1) : s;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Weight of one character in a non-digit run; -1 (NaN) is the end of the string. */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (c === 0x7e) return -1; // ~
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return c;
  return c + 256;
}

/** dpkg's verrevcmp over one upstream or revision part. */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Negative, zero or positive as a sorts before, equal to, or after b. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  return comparePart(va.upstream, vb.upstream) || comparePart(va.revision, vb.revision);
}

export type VersionOp = '<<' | '<=' | '=' | '>=' | '>>';

/** Does `version` satisfy `op ref`? (`<` and `>` are dpkg's deprecated spellings of `<=` and `>=`.) */
export function satisfiesOp(version: string, op: VersionOp, ref: string): boolean {
  const c = compareVersions(version, ref);
  switch (op) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}
