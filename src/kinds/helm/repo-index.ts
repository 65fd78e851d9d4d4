// index.yaml of the served classic repository, built from the catalog's helm records: apiVersion v1,
// each chart's versions newest first, with the archive's sha256 digest and a URL relative to the index
// (so the repository works under any host name, port or TLS front). Pure.
import { stringify } from 'yaml';
import type { CatalogEntry } from '../../store/catalog.js';
import { parseDigest } from '../../core/digest.js';
import type { ChartMeta } from './records.js';
import { compareVersions, parseVersion } from './semver.js';

export function archiveName(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}

export function renderIndex(entries: CatalogEntry[], generated: Date): string {
  const byName = new Map<string, Record<string, unknown>[]>();
  for (const e of [...entries].sort((a, b) => newestFirst(a.record.version, b.record.version))) {
    const { chart } = e.record.meta as unknown as ChartMeta;
    const blob = e.record.blobs[0]!;
    const item = {
      ...chart,
      created: new Date(e.addedAt).toISOString(),
      digest: parseDigest(blob.digest).hex,
      urls: [archiveName(e.record.name, e.record.version)],
    };
    let list = byName.get(e.record.name);
    if (!list) byName.set(e.record.name, (list = []));
    list.push(item);
  }
  const names = [...byName.keys()].sort();
  return stringify({ apiVersion: 'v1', entries: Object.fromEntries(names.map((n) => [n, byName.get(n)])), generated: generated.toISOString() });
}

function newestFirst(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return compareVersions(vb, va);
  return a < b ? 1 : a > b ? -1 : 0;
}
