// The dashboard: a read-only web page at /ui/ (and / redirects there), server-rendered so it works
// without JavaScript; the one script only adds live search and Copy buttons. Reads follow the
// registry's rule: anonymous unless `--no-anonymous-pull`, then the same Basic credentials.
import type { Route, HttpRequest, HttpResponse } from '../http/route.js';
import { json } from '../http/route.js';
import type { Authenticator } from '../http/auth.js';
import { basicChallenge } from '../http/auth.js';
import type { StoreView } from '../store/store.js';
import { ASSETS } from './assets/index.js';
import { ConfigPlatforms } from './platforms.js';
import { ReceiptReader } from './receipts.js';
import { pageFor, searchJson, summaryJson } from './pages.js';
import type { SiteContext } from './site-view.js';
import { notFoundPage } from './views/not-found.js';

export const UI_PREFIX = '/ui/';

export interface UiOptions extends SiteContext {
  store: StoreView;
  auth?: Authenticator;
  /** Anonymous reads (the registry's setting; default true). */
  anonymousPull?: boolean;
  /** The /metrics exposition text: the counters the services view shows. */
  metrics(): string;
}

// No inline script or style, nothing from elsewhere: the page is the admin server's alone.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function uiRoutes(options: UiOptions): Route[] {
  const opts = { ...options, platforms: new ConfigPlatforms(options.store.blobs), receipts: new ReceiptReader(options.store.paths.receipt) };
  const unauthorized = (message: string): HttpResponse => {
    const challenge: Record<string, string> = opts.auth ? { 'www-authenticate': basicChallenge(opts.auth.realm) } : {};
    return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', ...challenge }, body: `${message}\n` };
  };
  // As the registry's pulls: wrong credentials are refused always, none only without anonymous reads.
  const denied = async (req: HttpRequest): Promise<HttpResponse | undefined> => {
    const user = opts.auth ? await opts.auth.check(req.headers.authorization) : undefined;
    if (user === null) return unauthorized('invalid credentials');
    if (user) req.user = user;
    else if (opts.anonymousPull === false) return unauthorized('authentication required: this server does not allow anonymous reads');
    return undefined;
  };
  const handle = async (req: HttpRequest): Promise<HttpResponse | undefined> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
    const refused = await denied(req);
    if (refused) return refused;
    if (req.rawPath === '/ui') return redirect('/ui/');
    const asset = ASSETS.get(req.rawPath);
    if (asset) {
      if (req.headers['if-none-match'] === asset.etag) return { status: 304, headers: { etag: asset.etag } };
      return { status: 200, headers: { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache', ...SECURITY_HEADERS }, body: asset.body };
    }
    if (req.rawPath === '/ui/api/search') return json(200, searchJson(req, opts), { 'cache-control': 'no-store' });
    if (req.rawPath === '/ui/api/summary') return json(200, await summaryJson(opts), { 'cache-control': 'no-store' });
    const body = await pageFor(req, opts);
    return { status: body === undefined ? 404 : 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS }, body: body ?? notFoundPage(req.rawPath) };
  };
  return [
    { prefix: UI_PREFIX, handle },
    // `/` belongs to the dashboard only when nothing else answers it (routes are tried longest prefix first).
    { prefix: '/', handle: (req) => (req.rawPath === '/' && (req.method === 'GET' || req.method === 'HEAD') ? redirect('/ui/') : undefined) },
  ];
}

function redirect(location: string): HttpResponse {
  return { status: 302, headers: { location, 'content-type': 'text/plain; charset=utf-8' }, body: `see ${location}\n` };
}
