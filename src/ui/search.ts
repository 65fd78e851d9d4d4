// Search over every artifact the store holds: each word of the query must occur (case-insensitive) in
// the artifact's kind, name, version, platform, origin or digests. A catalog of thousands of records
// is filtered in well under a millisecond per hundred entries, so no index is kept.
import type { CatalogEntry } from '../store/catalog.js';
import { metaOf } from '../kinds/oci/records.js';
import { isDigest } from '../core/digest.js';
import { pullReference } from '../kinds/oci/names.js';
import { anchorOf, type Addresses } from './model.js';

export interface SearchHit {
  kind: string;
  name: string;
  version: string;
  platform: string;
  /** Where the dashboard shows it: `/ui/images?name=…#image-…`. */
  href: string;
  /** What a client uses: the pull reference of an image, the URL of a file. */
  use?: string;
}

export const MAX_HITS = 200;

export function search(entries: CatalogEntry[], query: string, at: Addresses): { hits: SearchHit[]; total: number } {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { hits: [], total: 0 };
  const matches = entries.filter((e) => {
    const text = haystack(e).toLowerCase();
    return words.every((w) => text.includes(w));
  });
  return { hits: matches.slice(0, MAX_HITS).map((e) => hitOf(e, at)), total: matches.length };
}

function haystack({ record, recordDigest }: CatalogEntry): string {
  const meta = record.kind === 'oci' ? metaOf(record) : undefined;
  return [record.kind, record.name, record.version, record.platform, record.origin, recordDigest, meta?.digest ?? '', ...(meta?.platforms ?? []), record.blobs[0]?.digest ?? ''].join('\n');
}

function hitOf({ record }: CatalogEntry, at: Addresses): SearchHit {
  const base = { kind: record.kind, name: record.name, version: record.version, platform: record.platform };
  if (record.kind === 'oci') {
    const version = isDigest(record.version) ? metaOf(record).digest : record.version;
    return { ...base, href: `/ui/images?name=${encodeURIComponent(record.name)}#${anchorOf('image', record.name)}`, use: pullReference(record.name, version, at.registry) };
  }
  if (record.kind === 'file') return { ...base, href: `/ui/files?name=${encodeURIComponent(record.name)}#${anchorOf('file', record.name)}`, use: `${at.filesRepo}/${record.name}` };
  const deb = record.meta as { repo?: unknown; filename?: unknown };
  if (record.kind === 'deb' && typeof deb.repo === 'string' && typeof deb.filename === 'string') {
    return { ...base, href: `/ui/#kind-deb`, use: `${at.origin}/apt/${deb.repo}/${deb.filename}` };
  }
  return { ...base, href: `/ui/#kind-${encodeURIComponent(record.kind)}` };
}
