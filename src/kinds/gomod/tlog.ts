// The transparency log under Go's checksum database (golang.org/x/mod/sumdb/tlog, documented in
// research.swtch.com/tlog): record and node hashes, the stored-hash numbering, and the tiles a client
// reads to prove a record is in a tree of size N. Hand-written from the published algorithms; `go`
// itself checks the result in test/gomod-sumdb.test.ts.
import { createHash } from 'node:crypto';

export const TILE_HEIGHT = 8;
const HASH = 32;

export interface Tile {
  H: number;
  L: number;
  N: number;
  W: number;
}

export const recordHash = (data: Buffer): Buffer => createHash('sha256').update(Buffer.from([0])).update(data).digest();
export const nodeHash = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();

/** Index in the stored-hash sequence of the n'th hash at `level`. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

const trailingZeros = (x: number): number => {
  let z = 0;
  while (x > 0 && x % 2 === 0) (x /= 2), z++;
  return z;
};

export function splitStoredHashIndex(index: number): { level: number; n: number } {
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return { level, n: Math.floor(n / 2 ** level) };
}

/** Stored-hash indexes of the complete subtrees whose hashes make up the tree hash of [lo, hi). */
export function subTreeIndex(lo: number, hi: number): number[] {
  const need: number[] = [];
  while (lo < hi) {
    let level = 0;
    while (2 ** (level + 1) < hi - lo + 1) level++;
    need.push(storedHashIndex(level, Math.floor(lo / 2 ** level)));
    lo += 2 ** level;
  }
  return need;
}

export function tileForIndex(h: number, index: number): { tile: Tile; start: number; end: number } {
  let { level, n } = splitStoredHashIndex(index);
  const L = Math.floor(level / h);
  level -= L * h;
  const N = Math.floor((n * 2 ** level) / 2 ** h);
  n -= (N * 2 ** h) / 2 ** level;
  return { tile: { H: h, L, N, W: (n + 1) * 2 ** level }, start: n * 2 ** level * HASH, end: (n + 1) * 2 ** level * HASH };
}

/** The tile k levels above `t` in a tree of `treeSize` records (partial at the right edge). */
export function tileParent(t: Tile, k: number, treeSize: number): Tile {
  const L = t.L + k;
  const N = Math.floor(t.N / 2 ** (k * t.H));
  let W = 2 ** t.H;
  const max = Math.floor(treeSize / 2 ** (L * t.H));
  if (N * 2 ** t.H + W >= max) W = max - N * 2 ** t.H;
  return { H: t.H, L, N, W };
}

/** The tiles `go` reads to prove records `ids` in a tree of size `treeSize`: tree-hash tiles, then parents. */
export function tilesForRecords(ids: number[], treeSize: number, h = TILE_HEIGHT): Tile[] {
  const order = new Map<string, Tile>();
  const add = (t: Tile) => order.set(tilePath(t), t);
  for (const x of subTreeIndex(0, treeSize)) add(tileParent(tileForIndex(h, x).tile, 0, treeSize));
  for (const id of ids) {
    const tile = tileForIndex(h, storedHashIndex(0, id)).tile;
    for (let k = 0; !order.has(tilePath(tileParent(tile, k, treeSize))); k++) add(tileParent(tile, k, treeSize));
  }
  return [...order.values()];
}

/** `tile/8/0/x001/234.p/5`: N in groups of three digits, all but the last prefixed with x. */
export function tilePath(t: Tile): string {
  let n = String(t.N).padStart(3, '0');
  const groups: string[] = [];
  while (n.length > 3) (groups.unshift(n.slice(-3)), (n = n.slice(0, -3)));
  groups.unshift(n.padStart(3, '0'));
  const nPath = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  return `tile/${t.H}/${t.L}/${nPath}${t.W < 2 ** t.H ? `.p/${t.W}` : ''}`;
}

/** The hash of a power-of-two run of hashes: its subtree root. */
export function tileHash(data: Buffer): Buffer {
  let level = Array.from({ length: data.length / HASH }, (_, i) => data.subarray(i * HASH, (i + 1) * HASH));
  while (level.length > 1) level = Array.from({ length: level.length / 2 }, (_, i) => nodeHash(level[2 * i]!, level[2 * i + 1]!));
  return level[0]!;
}

export function hashFromTile(data: Buffer, h: number, index: number): Buffer {
  const { start, end } = tileForIndex(h, index);
  if (end > data.length) throw new Error('tile too short');
  return tileHash(data.subarray(start, end));
}
