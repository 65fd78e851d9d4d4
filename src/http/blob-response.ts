// Serves one content-addressed blob with the HTTP semantics clients rely on: HEAD, strong ETag from the
// digest, If-None-Match (304), single byte ranges (206), If-Range, and 416 for unsatisfiable ranges.
import type { BlobReader, ByteRange } from '../store/blob-store.js';
import type { HttpRequest, HttpResponse } from './route.js';

export interface BlobResponseOptions {
  contentType?: string;
  headers?: Record<string, string>;
}

export async function blobResponse(req: HttpRequest, blobs: BlobReader, digest: string, opts: BlobResponseOptions = {}): Promise<HttpResponse | undefined> {
  const info = await blobs.stat(digest);
  if (!info) return undefined;
  const etag = `"${digest}"`;
  const headers: Record<string, string | number> = {
    'content-type': opts.contentType ?? 'application/octet-stream',
    etag,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=31536000, immutable',
    ...opts.headers,
  };
  if (matchesEtag(req.headers['if-none-match'], etag)) return { status: 304, headers: { etag, ...opts.headers } };
  const rangeHeader = req.headers.range;
  const useRange = rangeHeader !== undefined && (req.headers['if-range'] === undefined || req.headers['if-range'] === etag);
  const range = useRange ? parseRange(rangeHeader!, info.size) : undefined;
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { 'content-range': `bytes */${info.size}`, 'content-length': 0, ...opts.headers } };
  }
  const head = req.method === 'HEAD';
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['content-length'] = range.end - range.start + 1;
    return { status: 206, headers, body: head ? undefined : await bodyOf(blobs, digest, info.size, range) };
  }
  headers['content-length'] = info.size;
  return { status: 200, headers, body: head || info.size === 0 ? undefined : await bodyOf(blobs, digest, info.size) };
}

async function bodyOf(blobs: BlobReader, digest: string, size: number, range?: ByteRange): Promise<HttpResponse['body']> {
  const cached = await blobs.small?.(digest, size);
  if (cached) return range ? cached.subarray(range.start, range.end + 1) : cached;
  const file = blobs.localPath?.(digest);
  return file ? { file, start: range?.start, end: range?.end } : blobs.open(digest, range);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** A single `bytes=` range (RFC 9110 §14.1.2). Several ranges are answered with the whole blob. */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
