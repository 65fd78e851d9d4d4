// GET/HEAD /yum/<repo>/repodata/<file> and /yum/<repo>/Packages/<file>.rpm: a YUM/DNF repository.
// repomd.xml.asc is made at request time with the site's repository key (ServeOptions.signer) and cached
// by the digest of the repomd.xml it signs, so load needs no private key and a new publish is signed at once.
// Metadata files are named by their sha256 (createrepo_c's unique-md-filenames), which is what lets an
// older generation still be served after a publish.
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import type { StoreView } from '../../store/store.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';
import { REPODATA, type RepodataMeta } from './publish.js';
import { KEYS } from './signature.js';

export const YUM_PREFIX = '/yum/';

const NO_CACHE = { 'cache-control': 'no-cache' };

export function rpmRoutes(opts: ServeOptions): Route[] {
  const signer = opts.signer;
  const signatures = new Map<string, Promise<string>>();
  const sign = (digest: string, bytes: Buffer) => {
    let sig = signatures.get(digest);
    if (!sig) {
      sig = signer!.detachSign(bytes, { armor: true });
      signatures.set(digest, sig);
      sig.catch(() => signatures.delete(digest));
      if (signatures.size > 256) signatures.delete(signatures.keys().next().value!);
    }
    return sig;
  };
  return [
    {
      prefix: YUM_PREFIX,
      async handle(req) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
        const [repo, dir, file, ...rest] = decodePathSegments(req.rawPath.slice(YUM_PREFIX.length));
        if (!repo || !file || rest.length > 0) return undefined;
        if (dir === 'Packages') return packageFile(req, opts.store, `${repo}/Packages/${file}`);
        if (dir === KEYS) return keyFile(req, opts.store, repo, file);
        if (dir !== REPODATA) return undefined;
        const meta = opts.store.find({ kind: 'rpm', name: `${repo}/${REPODATA}` })[0]?.record.meta as RepodataMeta | undefined;
        if (!meta) return undefined;
        if (file === 'repomd.xml.asc') return signer ? signature(req, opts.store, meta.files['repomd.xml']!, sign) : undefined;
        const digest = Object.hasOwn(meta.files, file) ? meta.files[file] : Object.hasOwn(meta.previous, file) ? meta.previous[file] : olderGeneration(file);
        if (!digest) return undefined;
        const fresh = file === 'repomd.xml';
        return blobResponse(req, opts.store.blobs, digest, { contentType: contentTypeOf(file), headers: fresh ? NO_CACHE : {} });
      },
    },
  ];
}

/**
 * A metadata file of an older publish (a client read the previous repomd.xml just before a load): its name
 * starts with its own sha256, so it is served while the store still holds that blob (until `store gc`),
 * even when a loaded bundle replaced the record that listed it.
 */
function olderGeneration(file: string): string | undefined {
  const m = /^([a-f0-9]{64})-(?:primary|filelists|other)\.xml\.gz$|^([a-f0-9]{64})-modules\.yaml\.gz$/.exec(file);
  const hex = m?.[1] ?? m?.[2];
  return hex ? `sha256:${hex}` : undefined;
}

async function packageFile(req: HttpRequest, store: StoreView, name: string): Promise<HttpResponse | undefined> {
  const blob = store.find({ kind: 'rpm', name })[0]?.record.blobs[0];
  return blob ? blobResponse(req, store.blobs, blob.digest, { contentType: 'application/x-rpm' }) : undefined;
}

async function keyFile(req: HttpRequest, store: StoreView, repo: string, file: string): Promise<HttpResponse | undefined> {
  const files = store.find({ kind: 'rpm', name: `${repo}/${KEYS}` })[0]?.record.meta.files as Record<string, string> | undefined;
  const digest = files && Object.hasOwn(files, file) ? files[file] : undefined;
  return digest ? blobResponse(req, store.blobs, digest, { contentType: 'application/pgp-keys', headers: NO_CACHE }) : undefined;
}

async function signature(req: HttpRequest, store: StoreView, digest: string, sign: (d: string, b: Buffer) => Promise<string>): Promise<HttpResponse | undefined> {
  const bytes = await readAll(store, digest);
  if (!bytes) return undefined;
  const body = await sign(digest, bytes);
  const headers = { 'content-type': 'application/pgp-signature', 'content-length': Buffer.byteLength(body), ...NO_CACHE };
  return { status: 200, headers, body: req.method === 'HEAD' ? undefined : body };
}

async function readAll(store: StoreView, digest: string): Promise<Buffer | undefined> {
  const info = await store.blobs.stat(digest);
  if (!info) return undefined;
  const cached = await store.blobs.small?.(digest, info.size);
  if (cached) return cached;
  const parts: Buffer[] = [];
  for await (const c of store.blobs.open(digest)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function contentTypeOf(file: string): string {
  if (file.endsWith('.xml')) return 'text/xml';
  if (file.endsWith('.gz')) return 'application/gzip';
  return 'application/octet-stream';
}
