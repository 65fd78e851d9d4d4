// GET /pypi/simple/ and /pypi/simple/<project>/: the PEP 503/691 simple index by content negotiation;
// GET /pypi/files/<project>/<filename>[.metadata]: the files and their PEP 658 metadata;
// POST /pypi/ (or /pypi/legacy/): uploads with the legacy API.
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import { text } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { basicChallenge } from '../../http/auth.js';
import type { StoreView } from '../../store/store.js';
import { normalizeName } from './markers.js';
import { compareVersions, parseVersion } from './pep440.js';
import { fileView, negotiate, projectHtml, projectJson, rootHtml, rootJson } from './pages.js';
import { handleUpload } from './upload.js';
import { PageCache } from './page-cache.js';

export const PYPI_PREFIX = '/pypi/';

interface Rendered {
  html(): Buffer;
  json(): Buffer;
}

export function pypiRoutes(opts: ServeOptions): Route[] {
  const cache = new PageCache<Rendered | undefined>();
  return [
    {
      prefix: PYPI_PREFIX,
      async handle(req) {
        const rest = req.rawPath.slice(PYPI_PREFIX.length);
        if (req.method === 'POST' && (rest === '' || rest === 'legacy/' || rest === 'legacy')) return handleUpload(req, opts, () => cache.clear());
        if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD, POST' } };
        // Without anonymous reads (serve --no-anonymous-pull), pip sends the credentials in the index URL.
        if (opts.anonymousPull === false && !(opts.auth && (await opts.auth.check(req.headers.authorization)))) {
          return text(401, 'authentication required\n', opts.auth ? { 'www-authenticate': basicChallenge(opts.auth.realm) } : {});
        }
        if (rest.startsWith('simple')) return simple(req, opts.store, rest.slice('simple'.length), cache);
        if (rest.startsWith('files/')) return file(req, opts.store, rest.slice('files/'.length));
        return undefined;
      },
    },
  ];
}

function pageResponse(req: HttpRequest, page: Rendered): HttpResponse {
  const chosen = negotiate(req.headers.accept);
  if (!chosen) return text(406, 'this index offers text/html and application/vnd.pypi.simple.v1+json\n', { vary: 'Accept' });
  const body = chosen.format === 'json' ? page.json() : page.html();
  return { status: 200, headers: { 'content-type': chosen.format === 'json' ? chosen.type : `${chosen.type}; charset=utf-8`, vary: 'Accept', 'cache-control': 'max-age=60' }, body };
}

/** Render each format once, when first asked for, as the bytes every later request sends. */
function lazyPage(html: () => string, json: () => string): Rendered {
  let h: Buffer | undefined;
  let j: Buffer | undefined;
  return { html: () => (h ??= Buffer.from(html())), json: () => (j ??= Buffer.from(json())) };
}

function simple(req: HttpRequest, store: StoreView, path: string, cache: PageCache<Rendered | undefined>): HttpResponse | undefined {
  if (path === '') return { status: 301, headers: { location: `${PYPI_PREFIX}simple/` } };
  if (path === '/') return pageResponse(req, cache.get('', () => rootPage(store))!);
  const m = /^\/([^/]+)(\/?)$/.exec(path);
  if (!m) return undefined;
  const asked = decode(m[1]!);
  if (asked === undefined) return text(400, 'malformed percent-encoding in the path\n');
  const name = normalizeName(asked);
  if (asked !== name || m[2] !== '/') return { status: 301, headers: { location: `${PYPI_PREFIX}simple/${encodeURIComponent(name)}/` } };
  const page = cache.get(`/${name}`, () => projectPage(store, name));
  if (!page) return text(404, `no project "${name}" here\n`, { 'cache-control': 'max-age=60' });
  return pageResponse(req, page);
}

function rootPage(store: StoreView): Rendered {
  const projects = [...new Set(store.find({ kind: 'pypi' }).map((e) => e.record.name))].sort();
  return lazyPage(() => rootHtml(projects), () => rootJson(projects));
}

function projectPage(store: StoreView, name: string): Rendered | undefined {
  const records = store.find({ kind: 'pypi', name }).map((e) => e.record);
  if (!records.length) return undefined;
  const files = records.map(fileView).sort((a, b) => (a.filename < b.filename ? -1 : 1));
  const byVersion = (a: string, b: string) => compareVersions(parseVersion(a) ?? parseVersion('0')!, parseVersion(b) ?? parseVersion('0')!);
  const versions = [...new Set(records.map((r) => r.version))].sort(byVersion);
  return lazyPage(() => projectHtml(name, files), () => projectJson(name, versions, files));
}

async function file(req: HttpRequest, store: StoreView, path: string): Promise<HttpResponse | undefined> {
  const m = /^([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  const project = decode(m[1]!);
  let filename = decode(m[2]!);
  if (project === undefined || filename === undefined) return text(400, 'malformed percent-encoding in the path\n');
  const name = normalizeName(project);
  const wantMetadata = filename.endsWith('.metadata');
  if (wantMetadata) filename = filename.slice(0, -'.metadata'.length);
  const record = store.find({ kind: 'pypi', name, platform: filename })[0]?.record;
  const blob = record?.blobs.find((b) => b.role === (wantMetadata ? 'metadata' : 'content'));
  if (!blob) return undefined;
  return blobResponse(req, store.blobs, blob.digest);
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
