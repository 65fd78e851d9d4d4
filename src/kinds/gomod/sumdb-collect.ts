// `sumdb:` on a go entry: for every module version carried, its checksum-database record is looked up
// through the upstream proxy (`<proxy>/sumdb/<name>/lookup/…`), checked against the hashes collect
// computed, and proven in ONE signed tree head (the newest seen) with the tiles `go` will ask for; the
// tiles are verified here exactly as go verifies them, and kept so nodes can keep GOSUMDB on.
import type { CollectContext } from '../kind.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { BlobInfo } from '../../store/blob-store.js';
import { AirlockError } from '../../core/errors.js';
import { escapeModule } from './escape.js';
import { parseVerifierKey, verifyTreeNote, type TreeHead, type Verifier } from './note.js';
import { hashFromTile, nodeHash, recordHash, storedHashIndex, subTreeIndex, tileForIndex, tileHash, tileParent, tilePath, tilesForRecords, TILE_HEIGHT, type Tile } from './tlog.js';
import { KIND } from './records.js';

export const SUMDB_PLATFORM = 'sumdb';

export interface Sums {
  path: string;
  version: string;
  /** Absent for versions carried as go.mod only. */
  h1?: string;
  modH1: string;
}

interface Lookup {
  id: number;
  data: string;
  head: TreeHead;
}

export async function collectSumdb(proxy: string, key: string, sums: Sums[], ctx: CollectContext): Promise<NewArtifact> {
  let v: Verifier;
  try {
    v = parseVerifierKey(key);
  } catch (err) {
    throw new AirlockError('CONFIG_INVALID', `sumdb: ${(err as Error).message}`, { hint: 'write true for sum.golang.org, or the verifier key of your checksum database' });
  }
  const base = `${proxy.replace(/\/+$/, '')}/sumdb/${v.name}`;
  const lookups = await Promise.all(sums.map((s) => lookup(base, v, s, ctx)));
  const head = lookups.reduce((a, b) => (b.head.size > a.head.size ? b : a)).head;
  const tiles = tilesForRecords(lookups.map((l) => l.id), head.size);
  const blobs = await Promise.all(tiles.map((t) => ctx.fetch({ url: `${base}/${tilePath(t)}`, size: t.W * 32, label: `${v.name} ${tilePath(t)}` })));
  const data = await Promise.all(blobs.map((b) => ctx.readBlob(b.digest)));
  authenticate(head, tiles, data, lookups, v.name);
  const note = await ctx.putBlob(Buffer.from(head.note));
  const records = Object.fromEntries(sums.map((s, i) => [`${s.path}@${s.version}`, { id: lookups[i]!.id, data: lookups[i]!.data }]));
  ctx.log.info({ sumdb: v.name, treeSize: head.size, records: sums.length, tiles: tiles.length }, 'checksum-database proofs collected');
  return {
    kind: KIND,
    name: v.name,
    platform: SUMDB_PLATFORM,
    origin: base,
    blobs: [{ digest: note.digest, size: note.size, role: 'note', mediaType: 'text/plain; charset=utf-8' }, ...blobs.map((b: BlobInfo) => ({ digest: b.digest, size: b.size, role: 'tile' }))],
    meta: { key, treeSize: head.size, tiles: Object.fromEntries(tiles.map((t, i) => [tilePath(t), blobs[i]!.digest])), records },
  };
}

async function lookup(base: string, v: Verifier, s: Sums, ctx: CollectContext): Promise<Lookup> {
  const url = `${base}/lookup/${escapeModule(s.path)}@${escapeModule(s.version)}`;
  const res = await ctx.http.send(url);
  const body = await res.body.text();
  const fail = (why: string, code: 'FETCH_FAILED' | 'DIGEST_MISMATCH' = 'FETCH_FAILED') => new AirlockError(code, `${url}: ${why}`, { hint: code === 'DIGEST_MISMATCH' ? 'the module differs from what the checksum database recorded: do not carry it' : 'check the proxy serves the checksum database (sumdb/<name>/supported)' });
  if (res.statusCode !== 200) throw fail(`HTTP ${res.statusCode}: ${body.trim().slice(0, 200)}`);
  const m = /^(\d+)\n([\s\S]*?\n)\n([\s\S]+)$/.exec(body);
  if (!m) throw fail('not a checksum-database lookup response');
  let head: TreeHead;
  try {
    head = verifyTreeNote(m[3]!, v);
  } catch (err) {
    throw fail((err as Error).message);
  }
  const lines = new Set(m[2]!.split('\n'));
  if (s.h1 && !lines.has(`${s.path} ${s.version} ${s.h1}`)) throw fail(`the database records another zip hash than ${s.h1}`, 'DIGEST_MISMATCH');
  if (!lines.has(`${s.path} ${s.version}/go.mod ${s.modH1}`)) throw fail(`the database records another go.mod hash than ${s.modH1}`, 'DIGEST_MISMATCH');
  return { id: Number(m[1]), data: m[2]!, head };
}

/** go's tileHashReader checks: tree-hash tiles against the signed root, other tiles against their parents, records against their leaves. */
function authenticate(head: TreeHead, tiles: Tile[], data: Buffer[], lookups: Lookup[], name: string): void {
  const byPath = new Map(tiles.map((t, i) => [tilePath(t), { t, d: data[i]! }]));
  const tileOf = (index: number) => byPath.get(tilePath(tileParent(tileForIndex(TILE_HEIGHT, index).tile, 0, head.size)))!;
  const fail = (why: string) => new AirlockError('SIGNATURE_INVALID', `checksum database ${name}: ${why}`, { hint: 'the proxy served tiles that do not prove the signed tree head' });
  const stx = subTreeIndex(0, head.size);
  let root = hashFromTile(tileOf(stx.at(-1)!).d, TILE_HEIGHT, stx.at(-1)!);
  for (let i = stx.length - 2; i >= 0; i--) root = nodeHash(hashFromTile(tileOf(stx[i]!).d, TILE_HEIGHT, stx[i]!), root);
  if (!root.equals(head.root)) throw fail(`tiles do not hash to the root of tree ${head.size}`);
  const stxTiles = new Set(stx.map((x) => tilePath(tileParent(tileForIndex(TILE_HEIGHT, x).tile, 0, head.size))));
  for (const { t, d } of byPath.values()) {
    if (d.length !== t.W * 32) throw fail(`${tilePath(t)} has ${d.length} bytes`);
    if (stxTiles.has(tilePath(t))) continue;
    const parent = byPath.get(tilePath(tileParent(t, 1, head.size)));
    if (!parent || !hashFromTile(parent.d, TILE_HEIGHT, storedHashIndex(parent.t.L * TILE_HEIGHT, t.N)).equals(tileHash(d))) throw fail(`${tilePath(t)} does not match its parent tile`);
  }
  for (const l of lookups) {
    if (l.id >= head.size) throw fail(`record ${l.id} is not in tree ${head.size}`);
    if (!hashFromTile(tileOf(storedHashIndex(0, l.id)).d, TILE_HEIGHT, storedHashIndex(0, l.id)).equals(recordHash(Buffer.from(l.data)))) throw fail(`record ${l.id} is not the one the tree holds`);
  }
}
