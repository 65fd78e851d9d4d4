// The checksum database as a GOPROXY serves it (go.dev/ref/mod#checksum-database): `/go/sumdb/<name>/`
// `supported`, `lookup/<module>@<version>`, `tile/…` and `latest`, all from the one signed tree head a
// collect proved its records in. Unknown names, records and tiles are 404s (go then reports the module
// as unverifiable rather than trusting it).
import type { HttpRequest, HttpResponse } from '../../http/route.js';
import type { StoreView } from '../../store/store.js';
import { text } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';
import { unescapeModule } from './escape.js';
import { KIND } from './records.js';
import { SUMDB_PLATFORM } from './sumdb-collect.js';

export const SUMDB_PREFIX = '/go/sumdb/';

interface SumdbMeta {
  tiles: Record<string, string>;
  records: Record<string, { id: number; data: string }>;
}

export async function answerSumdb(req: HttpRequest, store: StoreView): Promise<HttpResponse | undefined> {
  let segments: string[];
  try {
    segments = decodePathSegments(req.rawPath.slice(SUMDB_PREFIX.length));
  } catch {
    return undefined;
  }
  const [name, op, ...rest] = segments;
  const entry = name ? store.find({ kind: KIND, name, platform: SUMDB_PLATFORM })[0] : undefined;
  if (!entry) return undefined;
  const meta = entry.record.meta as unknown as SumdbMeta;
  const note = entry.record.blobs.find((b) => b.role === 'note')!.digest;
  if (op === 'supported' && rest.length === 0) return text(200, '');
  if (op === 'latest' && rest.length === 0) return blobResponse(req, store.blobs, note, { contentType: 'text/plain; charset=utf-8', headers: { 'cache-control': 'no-cache' } });
  if (op === 'tile') {
    const digest = meta.tiles[['tile', ...rest].join('/')];
    return digest ? blobResponse(req, store.blobs, digest) : undefined;
  }
  if (op === 'lookup' && rest.length > 0) {
    const target = rest.join('/');
    const at = target.lastIndexOf('@');
    const path = unescapeModule(target.slice(0, at));
    const version = unescapeModule(target.slice(at + 1));
    const record = at > 0 && path && version ? meta.records[`${path}@${version}`] : undefined;
    if (!record) return undefined;
    const head = (await store.blobs.small?.(note, entry.record.blobs.find((b) => b.role === 'note')!.size)) ?? (await readAll(store, note));
    return text(200, `${record.id}\n${record.data}\n${head.toString('utf8')}`);
  }
  return undefined;
}

async function readAll(store: StoreView, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of store.blobs.open(digest)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
