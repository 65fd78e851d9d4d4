// What the dashboard shows, read from the store's catalog: a summary per kind, images by repository,
// files with the URL kubespray fetches them at, and a search over every artifact. Pure: it takes
// catalog entries and the addresses nodes use, and returns plain data the views and the JSON API share.
import { createHash } from 'node:crypto';
import type { CatalogEntry } from '../store/catalog.js';
import { isDigest } from '../core/digest.js';
import { metaOf } from '../kinds/oci/records.js';
import { pullReference } from '../kinds/oci/names.js';

/** Where nodes reach this server: the registry for pull references, files_repo for file URLs. */
export interface Addresses {
  registry: string;
  /** `http://files.airgap.internal:8080`: where files (`/files/`) and APT repositories (`/apt/`) are. */
  origin: string;
  filesRepo: string;
}

export interface KindSummary {
  kind: string;
  artifacts: number;
  /** Bytes of the distinct blobs the kind's artifacts use (a layer two images share counts once). */
  bytes: number;
}

export interface ImageVersion {
  version: string;
  tagged: boolean;
  digest: string;
  mediaType: string;
  platforms: string[];
  /** Children of an index left behind at collect (platforms not carried). */
  absent: number;
  artifactType?: string;
  bytes: number;
  pull: string;
  addedAt: number;
}

export interface ImageRepo {
  name: string;
  anchor: string;
  versions: ImageVersion[];
}

export interface FileRow {
  name: string;
  anchor: string;
  url: string;
  origin: string;
  digest: string;
  bytes: number;
  addedAt: number;
}

export function summarize(entries: CatalogEntry[]): { kinds: KindSummary[]; artifacts: number; bytes: number } {
  const perKind = new Map<string, { artifacts: number; blobs: Map<string, number> }>();
  const all = new Map<string, number>();
  for (const { record } of entries) {
    let k = perKind.get(record.kind);
    if (!k) perKind.set(record.kind, (k = { artifacts: 0, blobs: new Map() }));
    k.artifacts++;
    for (const b of record.blobs) {
      k.blobs.set(b.digest, b.size);
      all.set(b.digest, b.size);
    }
  }
  const kinds = [...perKind].map(([kind, k]) => ({ kind, artifacts: k.artifacts, bytes: sum(k.blobs.values()) })).sort((a, b) => a.kind.localeCompare(b.kind));
  return { kinds, artifacts: entries.length, bytes: sum(all.values()) };
}

/** Repositories in the catalog's order (by name). `platformOf`: the platform of a single-manifest image (from its config), when known. */
export function imageRepos(entries: CatalogEntry[], at: Addresses, platformOf: (e: CatalogEntry) => string | undefined = () => undefined): ImageRepo[] {
  const repos = new Map<string, ImageRepo>();
  for (const entry of entries) {
    const { record, addedAt } = entry;
    if (record.kind !== 'oci') continue;
    let repo = repos.get(record.name);
    if (!repo) repos.set(record.name, (repo = { name: record.name, anchor: anchorOf('image', record.name), versions: [] }));
    const meta = metaOf(record);
    const tagged = !isDigest(record.version);
    repo.versions.push({
      version: record.version,
      tagged,
      digest: meta.digest,
      mediaType: meta.mediaType,
      platforms: meta.platforms ?? [record.platform || platformOf(entry)].filter((p): p is string => !!p),
      absent: meta.absent?.length ?? 0,
      artifactType: meta.artifactType,
      bytes: sum(record.blobs.map((b) => b.size)),
      pull: pullReference(record.name, tagged ? record.version : meta.digest, at.registry),
      addedAt,
    });
  }
  // Tags first, then manifests known only by digest (children, signatures).
  for (const repo of repos.values()) repo.versions.sort((a, b) => Number(b.tagged) - Number(a.tagged) || a.version.localeCompare(b.version));
  return [...repos.values()];
}

/** In the catalog's order (by name). */
export function fileRows(entries: CatalogEntry[], at: Addresses): FileRow[] {
  return entries
    .filter((e) => e.record.kind === 'file')
    .map(({ record, addedAt }) => ({
      name: record.name,
      anchor: anchorOf('file', record.name),
      url: `${at.filesRepo}/${record.name}`,
      origin: record.origin,
      digest: record.blobs[0]?.digest ?? '',
      bytes: sum(record.blobs.map((b) => b.size)),
      addedAt,
    }));
}

/** A stable element id for a name of any characters. */
export function anchorOf(kind: string, name: string): string {
  return `${kind}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

function sum(values: Iterable<number>): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}
