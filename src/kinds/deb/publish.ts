// Publish: write each repository's Packages, Packages.gz and (unsigned) Release into the store as blobs
// and record them in a `deb-suite` record. The server signs the Release at request time with the site
// key, so a load needs no private key. Unchanged content is not republished (Date stays put).
import { gzipSync } from 'node:zlib';
import type { Store } from '../../store/store.js';
import type { CatalogEntry } from '../../store/catalog.js';
import { setField } from './deb822.js';
import { compareVersions } from './version.js';
import type { PackageMeta, RepoMeta, SuiteMeta } from './records.js';

type Files = SuiteMeta['files'];

export async function publishDeb(store: Store): Promise<void> {
  const packages = store.find({ kind: 'deb' });
  for (const repo of store.find({ kind: 'deb-repo' })) {
    const mine = packages.filter((e) => (e.record.meta as unknown as PackageMeta).repo === repo.record.name);
    await publishRepo(store, repo.record.name, repo.record.meta as unknown as RepoMeta, mine);
  }
}

async function publishRepo(store: Store, name: string, repo: RepoMeta, pkgs: CatalogEntry[]): Promise<void> {
  const files: Files = {};
  const pool: Record<string, string> = {};
  for (const e of pkgs) pool[(e.record.meta as unknown as PackageMeta).filename] = e.record.blobs[0]!.digest;
  for (const component of repo.components) {
    for (const arch of repo.architectures) {
      const text = packagesText(pkgs.filter((e) => (e.record.meta as unknown as PackageMeta).component === component && (e.record.platform === arch || e.record.platform === 'all')));
      const dir = `${component}/binary-${arch}`;
      files[`${dir}/Packages`] = await put(store, Buffer.from(text));
      files[`${dir}/Packages.gz`] = await put(store, gzipSync(text, { level: 9 }));
    }
  }
  const current = store.find({ kind: 'deb-suite', name, version: repo.suite })[0];
  const old = current?.record.meta as unknown as SuiteMeta | undefined;
  if (old && sameFiles(old.files, files) && samePool(old.pool, pool)) return;
  const release = await put(store, Buffer.from(releaseText(repo, files)));
  const previous = old ? Object.fromEntries(Object.entries(old.files).filter(([p, f]) => files[p]?.digest !== f.digest)) : {};
  const meta: SuiteMeta = { release: release.digest, codename: repo.codename, files, previous, pool };
  await store.addArtifact({
    kind: 'deb-suite',
    name,
    version: repo.suite,
    blobs: [
      { ...release, role: 'release' },
      ...Object.values(files).map((f) => ({ ...f, role: 'index' })),
      ...Object.values(previous).map((f) => ({ ...f, role: 'previous' })),
    ],
    meta: { ...meta },
  });
}

/** Stanzas sorted by name, version and architecture; Filename is our pool path (the upstream's). */
export function packagesText(pkgs: CatalogEntry[]): string {
  const rows = pkgs
    .map((e) => ({ r: e.record, m: e.record.meta as unknown as PackageMeta }))
    .sort((a, b) => (a.r.name < b.r.name ? -1 : a.r.name > b.r.name ? 1 : compareVersions(a.r.version, b.r.version) || (a.r.platform < b.r.platform ? -1 : 1)));
  return rows.map(({ m }) => `${setField(m.control, 'Filename', m.filename)}\n`).join('\n');
}

export function releaseText(repo: RepoMeta, files: Files, now = new Date()): string {
  const lines = [
    ...(repo.origin ? [`Origin: ${repo.origin}`] : []),
    ...(repo.label ? [`Label: ${repo.label}`] : []),
    `Suite: ${repo.suite}`,
    ...(repo.version ? [`Version: ${repo.version}`] : []),
    `Codename: ${repo.codename}`,
    `Date: ${now.toUTCString().replace(/GMT$/, 'UTC')}`,
    `Acquire-By-Hash: yes`,
    `Architectures: ${repo.architectures.join(' ')}`,
    `Components: ${repo.components.join(' ')}`,
    `Description: ${repo.description || `${repo.codename} packages carried by airlock`}`,
    'SHA256:',
    ...Object.entries(files).map(([path, f]) => ` ${f.digest.slice('sha256:'.length)} ${String(f.size).padStart(16)} ${path}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function put(store: Store, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const info = await store.blobs.ingest([bytes]);
  return { digest: info.digest, size: info.size };
}

const sameFiles = (a: Files, b: Files) => Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([p, f]) => a[p]?.digest === f.digest);
const samePool = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([p, d]) => a[p] === d);
