// A checksum database the tests run with their own key: a transparency log over go.sum records, a signed
// tree head, lookups and tiles computed on request. `go` (GOSUMDB="<name>+<hash>+<key>") is the judge.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { moduleEntries, goModText, type FixtureModule } from './go-fixtures.js';
import { nodeHash, recordHash, storedHashIndex, subTreeIndex } from '../../src/kinds/gomod/tlog.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b);

/** go.sum's h1: over files (name → content), written independently of the code under test. */
export function dirhash(files: Record<string, string>): string {
  const lines = Object.keys(files).sort().map((n) => `${sha(files[n]!).digest('hex')}  ${n}\n`).join('');
  return `h1:${sha(lines).digest('base64')}`;
}

export interface SumdbFixture {
  key: string;
  name: string;
  /** Answer `/sumdb/<name>/…` paths; undefined for anything else. */
  handle(path: string): Buffer | undefined;
}

export function makeSumdb(name: string, modules: FixtureModule[], padding = { before: 100, after: 545 }): SumdbFixture {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.concat([Buffer.from([1]), publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)]);
  const hash = sha(`${name}\n`).update(pub).digest().readUInt32BE(0);
  const key = `${name}+${hash.toString(16).padStart(8, '0')}+${pub.toString('base64')}`;
  // Other modules' records around ours, so the tree has full tiles, partial tiles and a second level.
  const records: string[] = [];
  const ids = new Map<string, number>();
  const pad = (i: number) => records.push(`example.org/pad${i} v1.0.0 h1:${sha(`p${i}`).digest('base64')}\nexample.org/pad${i} v1.0.0/go.mod h1:${sha(`m${i}`).digest('base64')}\n`);
  for (let i = 0; i < padding.before; i++) pad(i);
  for (const m of modules) {
    ids.set(`${m.path}@${m.version}`, records.length);
    records.push(`${m.path} ${m.version} ${dirhash(moduleEntries(m))}\n${m.path} ${m.version}/go.mod ${dirhash({ 'go.mod': goModText(m) })}\n`);
  }
  for (let i = padding.before; i < padding.before + padding.after; i++) pad(i);
  const stored: Buffer[] = [];
  records.forEach((r, i) => {
    let h = recordHash(Buffer.from(r));
    stored.push(h);
    for (let l = 0; Math.floor(i / 2 ** l) % 2 === 1; l++) stored.push((h = nodeHash(stored[storedHashIndex(l, Math.floor(i / 2 ** l) - 1)]!, h)));
  });
  const size = records.length;
  const stx = subTreeIndex(0, size).map((x) => stored[x]!);
  const root = stx.slice(0, -1).reduceRight((acc, h) => nodeHash(h, acc), stx.at(-1)!);
  const text = `go.sum database tree\n${size}\n${root.toString('base64')}\n`;
  const sig = Buffer.concat([Buffer.alloc(4), sign(null, Buffer.from(text), privateKey)]);
  sig.writeUInt32BE(hash, 0);
  const note = `${text}\n— ${name} ${sig.toString('base64')}\n`;
  const tile = (L: number, n: number, w: number): Buffer | undefined => {
    if (n * 256 + w > Math.floor(size / 2 ** (L * 8))) return undefined;
    return Buffer.concat(Array.from({ length: w }, (_, i) => stored[storedHashIndex(L * 8, n * 256 + i)]!));
  };
  const prefix = `/sumdb/${name}/`;
  return {
    key,
    name,
    handle(path) {
      if (!path.startsWith(prefix)) return undefined;
      const rest = path.slice(prefix.length);
      if (rest === 'supported') return Buffer.alloc(0);
      if (rest === 'latest') return Buffer.from(note);
      const lookup = /^lookup\/(.+)@(.+)$/.exec(rest);
      if (lookup) {
        const unesc = (s: string) => s.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
        const id = ids.get(`${unesc(lookup[1]!)}@${unesc(lookup[2]!)}`);
        return id === undefined ? undefined : Buffer.from(`${id}\n${records[id]}\n${note}`);
      }
      const t = /^tile\/8\/(\d+)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(rest);
      if (!t) return undefined;
      return tile(Number(t[1]), Number(t[2]!.replace(/x|\//g, '')), t[3] ? Number(t[3]) : 256);
    },
  };
}
