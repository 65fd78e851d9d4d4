// deb822 stanzas from a stream, relationship fields, Release SHA256 lists, dpkg status files.
import { describe, expect, it } from 'vitest';
import { readStanzas, parseStanzas, setField } from '../src/kinds/deb/deb822.js';
import { parseRelations, parseRelationList, archAllowed } from '../src/kinds/deb/relations.js';
import { parseRelease } from '../src/kinds/deb/release.js';
import { parseStatus } from '../src/kinds/deb/profile.js';
import { packagesIndex } from '../src/kinds/deb/upstream.js';
import { decompressed } from '../src/kinds/deb/decompress.js';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('deb822', () => {
  const text = 'Package: a\nVersion: 1.0\nDescription: short\n more\n .\n end\n\n\nPackage: b\r\nVersion: 2\r\n\r\nPackage: ü\nVersion: 3';

  it('reads stanzas across chunk boundaries, multi-byte characters split too', async () => {
    for (const size of [1, 2, 7, 1000]) {
      const out = [];
      for await (const st of readStanzas(chunks(text, size))) out.push(st);
      expect(out.map((s) => s.fields.get('package'))).toEqual(['a', 'b', 'ü']);
      expect(out[0]!.fields.get('description')).toBe('short\nmore\n.\nend');
      expect(out[1]!.line).toBe(9);
    }
  });

  it('streams 63,000 stanzas', async () => {
    async function* big() {
      for (let i = 0; i < 63_000; i++) yield `Package: p${i}\nVersion: 1.${i}\nDepends: libc6 (>= 2.36), p${i + 1} | q\nDescription: x\n long text line\n\n`;
    }
    let n = 0;
    let last = '';
    for await (const st of readStanzas(big())) {
      n++;
      last = st.fields.get('version')!;
    }
    expect(n).toBe(63_000);
    expect(last).toBe('1.62999');
  });

  it('rewrites one field and keeps the rest', () => {
    const st = parseStanzas(text)[0]!;
    expect(setField(st.text, 'Version', '9')).toBe(st.text.replace('Version: 1.0', 'Version: 9'));
    expect(setField(st.text, 'description', 'x')).toBe('Package: a\nVersion: 1.0\ndescription: x');
    expect(setField('Package: a', 'Filename', 'pool/a.deb')).toBe('Package: a\nFilename: pool/a.deb');
  });
});

describe('relations', () => {
  it('parses alternatives, versions, arch qualifiers, restrictions and profiles', () => {
    const deps = parseRelations('libc6 (>= 2.34), python3:any (<< 3.12) | python3-minimal, foo [amd64 !i386] <!nocheck>, bar (> 1) , ,  baz:amd64');
    expect(deps).toEqual([
      [{ name: 'libc6', op: '>=', version: '2.34' }],
      [{ name: 'python3', archQualifier: 'any', op: '<<', version: '3.12' }, { name: 'python3-minimal' }],
      [{ name: 'foo', archs: ['amd64', '!i386'] }],
      [{ name: 'bar', op: '>=', version: '1' }],
      [{ name: 'baz', archQualifier: 'amd64' }],
    ]);
    expect(archAllowed(deps[2]![0]!, 'amd64')).toBe(true);
    expect(archAllowed(deps[2]![0]!, 'arm64')).toBe(false);
    expect(archAllowed({ name: 'x', archs: ['!i386'] }, 'arm64')).toBe(true);
    expect(parseRelationList('mail-transport-agent, libfoo (= 1.2-3)')).toEqual([{ name: 'mail-transport-agent' }, { name: 'libfoo', op: '=', version: '1.2-3' }]);
  });
});

describe('Release and status', () => {
  it('reads the SHA256 list and Acquire-By-Hash', () => {
    const rel = parseRelease(
      `Origin: Debian\nSuite: stable\nCodename: bookworm\nAcquire-By-Hash: yes\nMD5Sum:\n 0123 1 main/x\nSHA256:\n ${'a'.repeat(64)}  1234 main/binary-amd64/Packages.xz\n ${'b'.repeat(64)} 99 main/binary-amd64/Packages\n`,
      'test',
    );
    expect(rel.byHash).toBe(true);
    expect(rel.fields.get('codename')).toBe('bookworm');
    expect(rel.files.get('main/binary-amd64/Packages.xz')).toEqual({ sha256: 'a'.repeat(64), size: 1234 });
    expect(rel.files.size).toBe(2);
    expect(() => parseRelease('Origin: x\n', 'u')).toThrow(/no SHA256/);
  });

  it('keeps only installed packages of a status file', () => {
    const base = parseStatus('Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nProvides: v\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n');
    expect([...base.keys()]).toEqual(['a']);
    expect(base.get('a')!.provides).toBe('v');
  });
});

describe('Packages indexes', () => {
  const sha = (c: string) => c.repeat(64);
  const rel = (files: string[], byHash: boolean) => ({
    suite: 'stable',
    text: '',
    release: { fields: new Map(), byHash, files: new Map(files.map((f) => [f, { sha256: sha(f.endsWith('.xz') ? 'a' : f.endsWith('.gz') ? 'b' : 'c'), size: 1 }])) },
  });

  it('prefers .xz, falls back to .gz, then plain; by-hash when the Release offers it', () => {
    expect(packagesIndex('http://m/debian/', rel(['main/binary-amd64/Packages.xz', 'main/binary-amd64/Packages.gz'], true), 'main', 'amd64')).toMatchObject({
      path: 'main/binary-amd64/Packages.xz',
      url: `http://m/debian/dists/stable/main/binary-amd64/by-hash/SHA256/${sha('a')}`,
      plainUrl: 'http://m/debian/dists/stable/main/binary-amd64/Packages.xz',
    });
    expect(packagesIndex('http://m/debian', rel(['main/binary-amd64/Packages.gz', 'main/binary-amd64/Packages'], false), 'main', 'amd64')).toMatchObject({ path: 'main/binary-amd64/Packages.gz', url: 'http://m/debian/dists/stable/main/binary-amd64/Packages.gz' });
    expect(packagesIndex('http://m/debian', rel(['main/binary-arm64/Packages.gz'], false), 'main', 'amd64')).toBeUndefined();
  });

  it('decompresses .xz (WebAssembly) and .gz as streams', async () => {
    const text = 'Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n';
    const xz = execFileSync('xz', ['-c'], { input: text });
    for (const [bytes, path] of [[xz, 'Packages.xz'], [gzipSync(text), 'Packages.gz'], [Buffer.from(text), 'Packages']] as const) {
      const names = [];
      for await (const st of readStanzas(decompressed(Readable.from([bytes]), path), { latin1: true })) names.push(st.fields.get('package'));
      expect(names).toEqual(['a', 'b']);
    }
  });
});
