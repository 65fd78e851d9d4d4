// GET/HEAD /files/<host>/<path>: the file collected from https://<host>/<path>.
import type { ServeOptions } from '../kind.js';
import type { Route } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';

export const FILES_PREFIX = '/files/';

export function fileRoutes({ store }: ServeOptions): Route[] {
  return [
    {
      prefix: FILES_PREFIX,
      async handle(req) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
        const name = decodePathSegments(req.rawPath.slice(FILES_PREFIX.length)).join('/');
        const entry = store.find({ kind: 'file', name })[0];
        const blob = entry?.record.blobs[0];
        if (!blob) return undefined;
        return blobResponse(req, store.blobs, blob.digest);
      },
    },
  ];
}
