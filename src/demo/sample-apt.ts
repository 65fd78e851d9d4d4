// The demo's stand-in for a Debian archive: two tiny packages (.debs assembled here: an ar archive of
// debian-binary, control.tar.gz and data.tar.gz), a Packages index and an InRelease signed with a key
// made for the demo, served on loopback. The demo collects it with `mirror: true` and the upstream
// signature checked, exactly as it would a real archive.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { loadOrCreateRepoKey } from '../reposign/signer.js';

export const SAMPLE_DEBS = [
  { name: 'airlock-hello', version: '1.0-1', depends: 'airlock-hello-data (>= 1.0)', text: 'Hello from the air-gapped side.\n' },
  { name: 'airlock-hello-data', version: '1.0-1', depends: '', text: 'hello data\n' },
];
export const SAMPLE_SUITE = 'sample';

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** An ar archive (the .deb container): a global header, then 60-byte member headers, 2-byte aligned. */
function ar(members: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const [name, data] of members) {
    const field = (v: string, n: number) => v.padEnd(n, ' ');
    parts.push(Buffer.from(field(name, 16) + field('0', 12) + field('0', 6) + field('0', 6) + field('100644', 8) + field(String(data.length), 10) + '`\n'), data);
    if (data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

async function buildDeb(p: (typeof SAMPLE_DEBS)[number]): Promise<{ deb: Buffer; control: string }> {
  const control = [`Package: ${p.name}`, `Version: ${p.version}`, 'Architecture: all', 'Maintainer: airlock demo <demo@example.invalid>', ...(p.depends ? [`Depends: ${p.depends}`] : []), 'Section: misc', 'Priority: optional', `Description: ${p.name} for the airlock demo`].join('\n');
  const deb = ar([
    ['debian-binary', Buffer.from('2.0\n')],
    ['control.tar.gz', await tarGz({ './control': `${control}\n` })],
    ['data.tar.gz', await tarGz({ [`./usr/share/doc/${p.name}/README`]: p.text })],
  ]);
  return { deb, control };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Serves dists/sample/{InRelease,main/binary-amd64/Packages} and pool/; writes the archive keyring into `dir`. */
export async function startSampleApt(dir: string): Promise<{ base: string; keyring: string; close(): Promise<void> }> {
  const files = new Map<string, Buffer>();
  const stanzas: string[] = [];
  for (const p of SAMPLE_DEBS) {
    const { deb, control } = await buildDeb(p);
    const filename = `pool/main/a/${p.name}/${p.name}_${p.version}_all.deb`;
    files.set(`/${filename}`, deb);
    stanzas.push(`${control}\nFilename: ${filename}\nSize: ${deb.length}\nSHA256: ${sha256(deb)}\n`);
  }
  const packages = Buffer.from(stanzas.join('\n'));
  files.set(`/dists/${SAMPLE_SUITE}/main/binary-amd64/Packages`, packages);
  const release = [`Origin: airlock demo`, `Suite: ${SAMPLE_SUITE}`, `Codename: ${SAMPLE_SUITE}`, `Date: ${new Date().toUTCString()}`, 'Architectures: amd64', 'Components: main', 'SHA256:', ` ${sha256(packages)} ${packages.length} main/binary-amd64/Packages`, ''].join('\n');
  const { signer } = await loadOrCreateRepoKey(join(dir, 'sample-archive-key.asc'), { name: 'airlock demo archive', email: 'archive@example.invalid' });
  files.set(`/dists/${SAMPLE_SUITE}/InRelease`, Buffer.from(await signer.clearsign(release)));
  const keyring = join(dir, 'sample-archive-keyring.gpg');
  await writeFile(keyring, signer.publicKeyBinary);
  const server: Server = createServer((req, res) => {
    const body = files.get((req.url ?? '').split('?')[0]!);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keyring, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
