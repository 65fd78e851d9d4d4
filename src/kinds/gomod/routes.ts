// The GOPROXY protocol at /go/ (go.dev/ref/mod#goproxy-protocol), read from the store: version lists,
// .info/.mod/.zip, @latest. Anything unknown is a fast 404 with no upstream call, so a node's
// GOPROXY=http://airlock/go,off (or ,direct) falls through at once. Zips are immutable once served:
// an existing version is never replaced (uploads of it answer 409) and its bytes are content-addressed.
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import { text } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { basicChallenge } from '../../http/auth.js';
import { compareVersions, isPseudoVersion, latestOf } from './semver.js';
import { fileDigest, MEDIA, moduleRecords, wholeVersions } from './records.js';
import { GO_PREFIX, parseGoPath, type GoRequest } from './wire.js';
import { GoUploads } from './upload.js';
import { answerSumdb, SUMDB_PREFIX } from './sumdb-routes.js';

const notFound = (what: string): HttpResponse => text(404, `not found: ${what}\n`, { 'cache-control': 'no-store' });

export function goRoutes(opts: ServeOptions): Route[] {
  const uploads = new GoUploads(opts);
  const handle = async (req: HttpRequest): Promise<HttpResponse | undefined> => {
    if (req.method === 'PUT' || req.method === 'POST') return uploads.put(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD, PUT, POST' } };
    const denied = await readDenied(req, opts);
    if (denied) return denied;
    if (req.rawPath.startsWith(SUMDB_PREFIX)) return (await answerSumdb(req, opts.store)) ?? notFound(req.rawPath);
    const parsed = parseGoPath(req.rawPath);
    if (!parsed) return notFound(req.rawPath);
    return (await answer(req, parsed, opts)) ?? notFound(`${parsed.path} ${'version' in parsed ? parsed.version : parsed.what}`);
  };
  return [{ prefix: GO_PREFIX, handle }];
}

async function answer(req: HttpRequest, r: GoRequest, { store }: ServeOptions): Promise<HttpResponse | undefined> {
  const records = moduleRecords(store, r.path);
  if (records.length === 0) return undefined;
  if (r.what === 'list') {
    // Go proxies list tagged versions only; pseudo-versions are fetched by name.
    const versions = wholeVersions(records).filter((v) => !isPseudoVersion(v)).sort(compareVersions);
    // Only go.mod files carried: nothing to offer, so let the next proxy in GOPROXY answer.
    if (versions.length === 0) return undefined;
    return text(200, versions.map((v) => `${v}\n`).join(''), { 'cache-control': 'no-cache' });
  }
  if (r.what === 'latest') {
    const latest = latestOf(wholeVersions(records));
    const digest = latest === undefined ? undefined : fileDigest(records, latest, 'info');
    return digest ? blobResponse(req, store.blobs, digest, { contentType: MEDIA.info, headers: { 'cache-control': 'no-cache' } }) : undefined;
  }
  if (!('version' in r)) return undefined;
  const digest = fileDigest(records, r.version, r.what);
  return digest ? blobResponse(req, store.blobs, digest, { contentType: MEDIA[r.what] }) : undefined;
}

/** Reads are anonymous unless the server says otherwise. */
async function readDenied(req: HttpRequest, { auth, anonymousPull }: ServeOptions): Promise<HttpResponse | undefined> {
  if (anonymousPull ?? true) return undefined;
  const user = auth ? await auth.check(req.headers.authorization) : undefined;
  if (user) return undefined;
  return text(401, 'authentication required\n', auth ? { 'www-authenticate': basicChallenge(auth.realm) } : {});
}
