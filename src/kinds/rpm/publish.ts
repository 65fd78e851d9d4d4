// publish(store): regenerate each repository's repodata/ from its package records, after collect and
// after load. The files are blobs; one record per repository (`<repo>/repodata`) maps file names to
// digests. The previous generation's files stay listed (and so kept by gc) until the next publish, so a
// client that read the old repomd.xml a moment ago still finds its primary. Signing happens when served.
import type { Store } from '../../store/store.js';
import type { CatalogEntry } from '../../store/catalog.js';
import { buildRepodata, type PackageXml } from './repodata.js';

export const REPODATA = 'repodata';

export interface RepodataMeta {
  files: Record<string, string>;
  previous: Record<string, string>;
}

export async function publishRpmRepos(store: Store): Promise<void> {
  const byRepo = new Map<string, CatalogEntry[]>();
  for (const e of store.find({ kind: 'rpm' })) {
    const repo = e.record.meta.repo;
    if (typeof repo !== 'string' || !e.record.name.startsWith(`${repo}/Packages/`)) continue;
    const list = byRepo.get(repo);
    if (list) list.push(e);
    else byRepo.set(repo, [e]);
  }
  for (const [repo, entries] of byRepo) await publishOne(store, repo, entries);
}

async function publishOne(store: Store, repo: string, entries: CatalogEntry[]): Promise<void> {
  const timestamp = Math.floor(Math.max(...entries.map((e) => e.addedAt)) / 1000);
  const files = buildRepodata(entries.map(xmlOf), timestamp);
  const current = store.find({ kind: 'rpm', name: `${repo}/${REPODATA}` })[0];
  const old = current?.record.meta as RepodataMeta | undefined;
  const map: Record<string, string> = {};
  const blobs = [];
  for (const f of files) {
    const info = await store.blobs.ingest([f.bytes]);
    map[f.name] = info.digest;
    blobs.push({ digest: info.digest, size: info.size, role: f.name === 'repomd.xml' ? 'index' : 'metadata' });
  }
  if (old && old.files['repomd.xml'] === map['repomd.xml']) return;
  const previous = old ? Object.fromEntries(Object.entries(old.files).filter(([name]) => name !== 'repomd.xml' && !(name in map))) : {};
  for (const [name, digest] of Object.entries(previous)) {
    const info = await store.blobs.stat(digest);
    if (info) blobs.push({ digest, size: info.size, role: 'previous' });
    else delete previous[name];
  }
  const meta: RepodataMeta = { files: map, previous };
  await store.addArtifact({ kind: 'rpm', name: `${repo}/${REPODATA}`, blobs, meta: { ...meta } });
}

function xmlOf(e: CatalogEntry): PackageXml {
  const m = e.record.meta as { primary?: string; filelists?: string; other?: string; modules?: string[] };
  return { file: e.record.name, primary: m.primary ?? '', filelists: m.filelists ?? '', other: m.other ?? '', modules: m.modules ?? [] };
}
