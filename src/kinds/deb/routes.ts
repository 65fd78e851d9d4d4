// APT repository routes, GET/HEAD under /apt/<repo>/:
//   dists/<suite>/Release                         the published Release (unsigned bytes)
//   dists/<suite>/InRelease, Release.gpg          signed now with the site key (cached per Release digest)
//   dists/<suite>/<comp>/binary-<arch>/Packages{,.gz} and …/by-hash/SHA256/<hex>
//   pool/<path>                                   the .deb files
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';
import { readAll } from './read-blob.js';
import { AptView, type PublishedSuite } from './view.js';
import type { RepoSigner } from '../../reposign/signer.js';

export const APT_PREFIX = '/apt/';

/** What the routes need of the site repository key (src/reposign's RepoSigner). */
export type ReleaseSigner = Pick<RepoSigner, 'clearsign' | 'detachSign'>;

const TEXT = 'text/plain; charset=utf-8';
const METADATA_CACHE = { 'cache-control': 'no-cache' };

export function debRoutes(opts: ServeOptions): Route[] {
  const view = new AptView(opts.store);
  const signer: ReleaseSigner | undefined = opts.signer;
  // Signed once per Release and kept as bytes: the promise is cached, so a burst of first requests signs once.
  const signed = new Map<string, Promise<Buffer>>();
  const sign = (suite: PublishedSuite, what: 'InRelease' | 'Release.gpg'): Promise<Buffer> => {
    const key = `${what}\u0000${suite.meta.release}`;
    let out = signed.get(key);
    if (out === undefined) {
      out = (async () => {
        const bytes = await readAll(opts.store, suite.meta.release);
        return Buffer.from(what === 'InRelease' ? await signer!.clearsign(bytes.toString('utf8')) : await signer!.detachSign(bytes, { armor: true }));
      })();
      // A failure is not kept: the next request tries again.
      out.catch(() => signed.delete(key));
      if (signed.size > 256) signed.clear();
      signed.set(key, out);
    }
    return out;
  };

  async function dists(req: HttpRequest, suite: PublishedSuite, rest: string[]): Promise<HttpResponse | undefined> {
    const path = rest.join('/');
    if (path === 'Release') return blobResponse(req, opts.store.blobs, suite.meta.release, { contentType: TEXT, headers: METADATA_CACHE });
    if (path === 'InRelease' || path === 'Release.gpg') {
      if (!signer) return undefined;
      const body = await sign(suite, path);
      return { status: 200, headers: { 'content-type': TEXT, 'content-length': body.length, ...METADATA_CACHE }, body: req.method === 'HEAD' ? undefined : body };
    }
    const byHash = /^(.+)\/by-hash\/SHA256\/([a-f0-9]{64})$/.exec(path);
    if (byHash) {
      const digest = `sha256:${byHash[2]}`;
      return suite.byHash.has(digest) ? blobResponse(req, opts.store.blobs, digest) : undefined;
    }
    const file = suite.meta.files[path];
    return file ? blobResponse(req, opts.store.blobs, file.digest, { contentType: path.endsWith('.gz') ? 'application/gzip' : TEXT, headers: METADATA_CACHE }) : undefined;
  }

  return [
    {
      prefix: APT_PREFIX,
      async handle(req) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
        const [repo, area, ...rest] = decodePathSegments(req.rawPath.slice(APT_PREFIX.length));
        if (!repo) return undefined;
        if (area === 'dists' && rest.length >= 2) {
          const suite = view.suite(repo, rest[0]!);
          return suite ? dists(req, suite, rest.slice(1)) : undefined;
        }
        if (area === 'pool' && rest.length > 0) {
          const digest = view.pool(repo, ['pool', ...rest].join('/'));
          return digest ? blobResponse(req, opts.store.blobs, digest, { contentType: 'application/vnd.debian.binary-package' }) : undefined;
        }
        return undefined;
      },
    },
  ];
}
