// An APT upstream made offline: .debs built with dpkg-deb, Packages/Release by apt-ftparchive, InRelease
// and Release.gpg signed by gpg with a throwaway key, served over loopback by a static server that can
// tamper with what it serves. This is the network edge tests may fake; apt itself is never faked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FixturePackage {
  name: string;
  version: string;
  arch?: string;
  fields?: Record<string, string>;
}

const sh = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });

export function buildDeb(outDir: string, p: FixturePackage, work: string): string {
  const arch = p.arch ?? 'amd64';
  const root = join(work, `${p.name}-${p.version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/doc', p.name), { recursive: true });
  writeFileSync(join(root, 'usr/share/doc', p.name, 'README'), `${p.name} ${p.version}\n`);
  const fields = { Package: p.name, Version: p.version, Architecture: arch, Maintainer: 'airlock tests <t@example.invalid>', Priority: 'optional', Section: 'misc', ...p.fields, Description: `${p.name} fixture\n test package` };
  writeFileSync(join(root, 'DEBIAN/control'), Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  const file = join(outDir, `${p.name}_${p.version.replace(/^\d+:/, '')}_${arch}.deb`);
  sh('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, file]);
  return file;
}

export interface Signer {
  home: string;
  keyring: string;
}

export function makeGpgKey(dir: string): Signer {
  const home = join(dir, 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: home };
  sh('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'airlock fixture <fixture@example.invalid>', 'ed25519', 'sign', 'never'], { env });
  const keyring = join(dir, 'upstream-keyring.gpg');
  writeFileSync(keyring, sh('gpg', ['--export'], { env }));
  return { home, keyring };
}

/** Lay out dists/<suite>/ and pool/main/ under root, index with apt-ftparchive, sign with gpg. */
export function buildUpstream(root: string, suite: string, pkgs: FixturePackage[], signer: Signer, opts: { byHash?: boolean } = {}): void {
  const pool = join(root, 'pool/main');
  const bin = join(root, `dists/${suite}/main/binary-amd64`);
  mkdirSync(pool, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const work = join(root, '.build');
  for (const p of pkgs) buildDeb(pool, p, work);
  const packages = sh('apt-ftparchive', ['packages', 'pool'], { cwd: root });
  writeFileSync(join(bin, 'Packages'), packages);
  sh('sh', ['-c', 'gzip -9nk Packages && xz -k Packages'], { cwd: bin });
  if (opts.byHash) {
    mkdirSync(join(bin, 'by-hash/SHA256'), { recursive: true });
    for (const f of ['Packages', 'Packages.gz', 'Packages.xz']) copyFileSync(join(bin, f), join(bin, 'by-hash/SHA256', createHash('sha256').update(readFileSync(join(bin, f))).digest('hex')));
  }
  const release = sh('apt-ftparchive', ['-o', `APT::FTPArchive::Release::Codename=${suite}`, '-o', 'APT::FTPArchive::Release::Suite=stable', '-o', 'APT::FTPArchive::Release::Origin=Fixture', '-o', 'APT::FTPArchive::Release::Architectures=amd64', '-o', 'APT::FTPArchive::Release::Components=main', 'release', '.'], { cwd: join(root, 'dists', suite) });
  const text = (opts.byHash ? 'Acquire-By-Hash: yes\n' : '') + release.toString();
  const dists = join(root, 'dists', suite);
  writeFileSync(join(dists, 'Release'), text);
  const env = { GNUPGHOME: signer.home };
  sh('gpg', ['--batch', '--yes', '--clearsign', '-o', join(dists, 'InRelease'), join(dists, 'Release')], { env });
  sh('gpg', ['--batch', '--yes', '-abs', '-o', join(dists, 'Release.gpg'), join(dists, 'Release')], { env });
}

export interface StaticServer {
  url: string;
  requests: string[];
  /** Rewrite a response body before it is sent (path → body). */
  tamper?: (path: string, body: Buffer) => Buffer;
  close(): Promise<void>;
}

export async function serveDir(root: string): Promise<StaticServer> {
  const s: Partial<StaticServer> = { requests: [] };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    s.requests!.push(path);
    const file = join(root, path);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    let body = readFileSync(file);
    if (s.tamper) body = s.tamper(path, body);
    res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s as StaticServer;
}

/** A private apt configuration: the system's apt state is never touched. */
export function aptConfig(dir: string, sourcesLine: string): { env: Record<string, string>; root: string } {
  const root = join(dir, 'apt');
  for (const d of ['etc/sources.list.d', 'etc/preferences.d', 'lists/partial', 'cache/archives/partial', 'status']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/sources.list'), `${sourcesLine}\n`);
  writeFileSync(join(root, 'dpkg-status'), '');
  const conf = [
    `Dir::Etc::SourceList "${root}/etc/sources.list";`,
    `Dir::Etc::SourceParts "${root}/etc/sources.list.d";`,
    `Dir::Etc::Preferences "${root}/etc/preferences";`,
    `Dir::Etc::PreferencesParts "${root}/etc/preferences.d";`,
    `Dir::State::Lists "${root}/lists";`,
    `Dir::State::status "${root}/dpkg-status";`,
    `Dir::Cache "${root}/cache";`,
    'APT::Sandbox::User "root";',
    'Acquire::Languages "none";',
    'APT::Architecture "amd64";',
    'APT::Architectures { "amd64"; };',
  ].join('\n');
  writeFileSync(join(root, 'apt.conf'), conf + '\n');
  return { env: { APT_CONFIG: join(root, 'apt.conf') }, root };
}
