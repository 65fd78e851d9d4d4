// The classic chart repository at /charts/: GET index.yaml (rebuilt when the catalog's helm records
// change), GET <name>-<version>.tgz, and ChartMuseum's upload API: POST /charts/api/charts with the
// .tgz as the body (credentials required; an existing name+version is never replaced: 409).
import { createHash } from 'node:crypto';
import type { ServeOptions } from '../kind.js';
import { json, type HttpRequest, type HttpResponse, type Route } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { basicChallenge } from '../../http/auth.js';
import type { CatalogEntry } from '../../store/catalog.js';
import { archiveName, renderIndex } from './repo-index.js';
import { serial, storeUpload } from './upload.js';

export const CHARTS_PREFIX = '/charts/';

export function helmRoutes(opts: ServeOptions): Route[] {
  const { store } = opts;
  let cached: { key: string; body: string } | undefined;
  const uploads = serial();
  const charts = (): CatalogEntry[] => store.find({ kind: 'helm' });

  function index(): string {
    const entries = charts();
    const key = createHash('sha256').update(entries.map((e) => e.recordDigest).join(',')).digest('hex');
    if (cached?.key !== key) cached = { key, body: renderIndex(entries, new Date()) };
    return cached.body;
  }

  async function readAllowed(req: HttpRequest): Promise<HttpResponse | undefined> {
    if (opts.anonymousPull !== false) return undefined;
    const user = opts.auth ? await opts.auth.check(req.headers.authorization) : undefined;
    return user ? undefined : unauthorized(opts, 'authentication required');
  }

  async function handle(req: HttpRequest): Promise<HttpResponse | undefined> {
    const path = req.rawPath.slice(CHARTS_PREFIX.length);
    if (path === 'api/charts' && req.method === 'POST') return storeUpload(req, opts, uploads);
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
    const denied = await readAllowed(req);
    if (denied) return denied;
    if (path === 'index.yaml' || path === '') {
      const body = index();
      return { status: 200, headers: { 'content-type': 'application/x-yaml', 'content-length': Buffer.byteLength(body) }, body: req.method === 'HEAD' ? undefined : body };
    }
    if (path === 'api/charts') return json(200, Object.fromEntries(charts().map((e) => [e.record.name, e.record.version])));
    const file = decodeURIComponent(path.replace(/^charts\//, ''));
    const entry = charts().find((e) => archiveName(e.record.name, e.record.version) === file);
    if (!entry) return undefined;
    return blobResponse(req, store.blobs, entry.record.blobs[0]!.digest);
  }

  return [{ prefix: CHARTS_PREFIX, handle }];
}

export function unauthorized(opts: ServeOptions, message: string): HttpResponse {
  const headers: Record<string, string> = opts.auth ? { 'www-authenticate': basicChallenge(opts.auth.realm) } : {};
  return json(401, { error: message }, headers);
}
