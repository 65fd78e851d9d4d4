// The OCI Distribution registry (spec v1.1) at /v2/: pull, push (monolithic, chunked, streamed),
// cross-repository mount, tags, _catalog, referrers, deletes. Handlers take a request and return a
// response; blob bodies are files the adapter streams; uploads stream through a VerifiedWriter.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';
import { basicChallenge } from '../../http/auth.js';
import { digestOf, isDigest, parseDigest } from '../../core/digest.js';
import { isAirlockError } from '../../core/errors.js';
import { API_VERSION_HEADER, OciError, ociErrorResponse } from './errors.js';
import { isValidRepoName, isValidTag, servedRepo } from './names.js';
import { ManifestError, MT } from './media.js';
import { imageClosure, imageRecord, metaOf, MissingBlobError, publishIndex } from './records.js';
import { RegistryView, type ManifestDesc, type Repo } from './view.js';
import { UploadSessions, type Session } from './uploads.js';

export const V2 = '/v2/';
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

type Action = 'pull' | 'push' | 'delete';

interface Target {
  /** Served repository name (after ns=). */
  repo: string;
  kind: 'manifests' | 'blobs' | 'uploads' | 'tags' | 'referrers';
  ref: string;
}

const H = API_VERSION_HEADER;

export function ociRoutes(opts: ServeOptions): Route[] {
  const { store, writable, auth } = opts;
  const anonymousPull = opts.anonymousPull ?? true;
  const view = new RegistryView(store);
  const uploads = writable ? new UploadSessions(writable) : undefined;
  let publishing: Promise<void> = Promise.resolve();
  const republish = () => {
    view.invalidate();
    if (writable) publishing = publishing.then(() => publishIndex(writable)).catch((err) => opts.log.warn({ err }, 'index.json not updated'));
    return publishing;
  };

  const challenge = (message: string) =>
    new OciError('UNAUTHORIZED', message, null, auth ? { 'www-authenticate': basicChallenge(auth.realm) } : {});

  async function authorize(req: HttpRequest, action: Action): Promise<void> {
    const user = auth ? await auth.check(req.headers.authorization) : undefined;
    if (user === null) throw challenge('invalid credentials');
    if (user) req.user = user;
    if (action === 'pull') {
      if (!anonymousPull && !user) throw challenge('authentication required');
      return;
    }
    if (!writable || !auth) throw new OciError('DENIED', 'this registry is read-only: start `airlock serve` with --htpasswd to accept pushes', null, {}, 403);
    if (action === 'delete' && !opts.allowDelete) throw new OciError('UNSUPPORTED', 'deletes are disabled: start `airlock serve` with --allow-delete');
    if (!user) throw challenge('authentication required');
  }

  const handle = async (req: HttpRequest): Promise<HttpResponse | undefined> => {
    if (req.rawPath === '/v2' || req.rawPath === V2) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new OciError('UNSUPPORTED', `${req.method} not allowed`);
      const user = auth ? await auth.check(req.headers.authorization) : undefined;
      // With credentials configured, an unauthenticated ping gets the challenge, so clients learn to
      // send credentials; anonymous pulls then still work without them.
      if (auth && !user) throw challenge('authentication required');
      return { status: 200, headers: { 'content-type': 'application/json', ...H }, body: '{}' };
    }
    if (req.rawPath === '/v2/_catalog') {
      await authorize(req, 'pull');
      return paginate(req, view.names(), (page) => ({ repositories: page }), '/v2/_catalog');
    }
    const t = parseTarget(req);
    switch (t.kind) {
      case 'manifests':
        return manifests(req, t);
      case 'blobs':
        return blobs(req, t);
      case 'uploads':
        return uploadRoute(req, t);
      case 'tags': {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new OciError('UNSUPPORTED', `${req.method} not allowed`);
        await authorize(req, 'pull');
        const repo = view.repo(t.repo);
        if (!repo) throw new OciError('NAME_UNKNOWN', `repository ${t.repo} not known`, { name: t.repo });
        const tags = [...repo.tags.keys()].sort();
        return paginate(req, tags, (page) => ({ name: t.repo, tags: page }), `/v2/${t.repo}/tags/list`);
      }
      case 'referrers':
        return referrers(req, t);
    }
  };

  async function manifests(req: HttpRequest, t: Target): Promise<HttpResponse> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      await authorize(req, 'pull');
      const desc = resolve(view.repo(t.repo), t);
      const headers = {
        'content-type': desc.mediaType,
        'content-length': desc.size,
        'docker-content-digest': desc.digest,
        etag: `"${desc.digest}"`,
        ...H,
      };
      if (req.method === 'HEAD') return { status: 200, headers };
      let bytes = view.cached(desc.digest);
      if (!bytes) {
        bytes = await readFile(store.paths.blob(desc.digest)).catch(() => undefined);
        if (!bytes) throw new OciError('MANIFEST_UNKNOWN', `manifest ${desc.digest} is missing from the store`);
        view.remember(desc.digest, bytes);
      }
      return { status: 200, headers, body: bytes };
    }
    if (req.method === 'PUT') return putManifest(req, t);
    if (req.method === 'DELETE') return deleteManifest(req, t);
    throw new OciError('UNSUPPORTED', `${req.method} not allowed on manifests`);
  }

  async function putManifest(req: HttpRequest, t: Target): Promise<HttpResponse> {
    await authorize(req, 'push');
    const w = writable!;
    const byDigest = isDigest(t.ref);
    if (!byDigest && !isValidTag(t.ref)) throw new OciError('MANIFEST_INVALID', `invalid tag ${JSON.stringify(t.ref)}`, { tag: t.ref });
    const bytes = await readCapped(req.body, MAX_MANIFEST_BYTES);
    const digest = digestOf(bytes);
    if (byDigest && digestOf(bytes, parseDigest(t.ref).algorithm) !== t.ref) {
      throw new OciError('DIGEST_INVALID', `manifest digest does not match ${t.ref}`, { expected: t.ref, actual: digestOf(bytes, parseDigest(t.ref).algorithm) });
    }
    const contentType = String(req.headers['content-type'] ?? '');
    let closure;
    try {
      closure = await imageClosure(
        { digest, mediaType: contentType, size: bytes.length, bytes },
        async (d) => readFile(w.paths.blob(d)).catch(() => undefined),
        async (d) => (await w.blobs.stat(d)) !== undefined,
        { sparse: false },
      );
    } catch (err) {
      if (err instanceof ManifestError) throw new OciError('MANIFEST_INVALID', err.message);
      if (err instanceof MissingBlobError) throw new OciError('MANIFEST_BLOB_UNKNOWN', err.message, { digest: err.digest });
      throw err;
    }
    await w.blobs.ingest([bytes], { digest });
    if (byDigest && t.ref !== digest) {
      await w.blobs.ingest([bytes], { digest: t.ref });
      closure.blobs.push({ digest: t.ref, size: bytes.length, mediaType: closure.meta.mediaType, role: 'manifest' });
    }
    const name = view.repo(t.repo)?.name ?? t.repo;
    await w.addArtifact(imageRecord(name, byDigest ? digest : t.ref, 'push', closure));
    view.remember(digest, bytes);
    await republish();
    opts.log.info({ repo: t.repo, ref: t.ref, digest, user: req.user }, 'manifest pushed');
    const headers: Record<string, string> = { location: `/v2/${t.repo}/manifests/${byDigest ? t.ref : digest}`, 'docker-content-digest': byDigest ? t.ref : digest, ...H };
    if (closure.meta.subject) headers['oci-subject'] = closure.meta.subject;
    return { status: 201, headers: { ...headers, 'content-length': '0' } };
  }

  async function deleteManifest(req: HttpRequest, t: Target): Promise<HttpResponse> {
    await authorize(req, 'delete');
    const w = writable!;
    const repo = view.repo(t.repo);
    if (!repo) throw new OciError('NAME_UNKNOWN', `repository ${t.repo} not known`);
    const entries = w.find({ kind: 'oci', name: repo.name });
    const doomed = isDigest(t.ref) ? entries.filter((e) => metaOf(e.record).digest === t.ref || e.record.version === t.ref) : entries.filter((e) => e.record.version === t.ref);
    if (doomed.length === 0) throw new OciError('MANIFEST_UNKNOWN', `manifest ${t.ref} not known in ${t.repo}`);
    for (const e of doomed) await w.removeArtifact(e.recordDigest);
    await republish();
    return { status: 202, headers: { ...H, 'content-length': '0' } };
  }

  async function blobs(req: HttpRequest, t: Target): Promise<HttpResponse> {
    if (!isDigest(t.ref)) throw new OciError('DIGEST_INVALID', `invalid digest ${JSON.stringify(t.ref)}`);
    if (req.method === 'GET' || req.method === 'HEAD') {
      await authorize(req, 'pull');
      const res = await blobResponse(req, store.blobs, t.ref, { headers: { 'docker-content-digest': t.ref, ...H } });
      if (!res) throw new OciError('BLOB_UNKNOWN', `blob ${t.ref} not known`, { digest: t.ref });
      return res;
    }
    if (req.method === 'DELETE') {
      await authorize(req, 'delete');
      const w = writable!;
      if (!(await w.blobs.stat(t.ref))) throw new OciError('BLOB_UNKNOWN', `blob ${t.ref} not known`, { digest: t.ref });
      // Blobs are shared across repositories: the file goes only when no image needs it any more.
      if (w.usersOf(t.ref).length === 0) await w.blobs.delete(t.ref);
      return { status: 202, headers: { ...H, 'content-length': '0' } };
    }
    throw new OciError('UNSUPPORTED', `${req.method} not allowed on blobs`);
  }

  async function uploadRoute(req: HttpRequest, t: Target): Promise<HttpResponse> {
    await authorize(req, 'push');
    const up = uploads!;
    const w = writable!;
    const base = `/v2/${t.repo}/blobs/uploads/`;
    if (t.ref === '') {
      if (req.method !== 'POST') throw new OciError('UNSUPPORTED', `${req.method} not allowed on ${base}`);
      const mount = req.query.get('mount');
      if (mount && isDigest(mount) && (await w.blobs.stat(mount))) {
        await drain(req.body);
        return blobCreated(t.repo, mount);
      }
      const digest = req.query.get('digest');
      if (digest !== null) {
        if (!isDigest(digest)) throw new OciError('DIGEST_INVALID', `invalid digest ${JSON.stringify(digest)}`);
        const s = await up.create(t.repo);
        return finish(s, req, digest);
      }
      await drain(req.body);
      const s = await up.create(t.repo);
      return { status: 202, headers: { location: base + s.id, 'docker-upload-uuid': s.id, range: '0-0', 'content-length': '0', ...H } };
    }
    const s = up.get(t.ref, t.repo);
    if (!s) throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${t.ref} not known (expired, finished or never started)`);
    const progress = () => ({ location: base + s.id, 'docker-upload-uuid': s.id, range: `0-${Math.max(0, s.writer.size - 1)}`, 'content-length': '0', ...H });
    if (req.method === 'GET') return { status: 204, headers: progress() };
    if (req.method === 'DELETE') {
      await up.cancel(s);
      return { status: 204, headers: { ...H } };
    }
    if (s.busy) throw new OciError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload');
    const range = req.headers['content-range'];
    if (range !== undefined) {
      const m = /^(?:bytes )?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(String(range).trim());
      if (!m || Number(m[1]) !== s.writer.size) {
        await drain(req.body);
        throw new OciError('RANGE_INVALID', `upload is at byte ${s.writer.size}; Content-Range ${range} does not continue it`, null, {
          location: base + s.id,
          range: `0-${Math.max(0, s.writer.size - 1)}`,
          'docker-upload-uuid': s.id,
        });
      }
    }
    if (req.method === 'PATCH') {
      s.busy = true;
      try {
        await appendOrCancel(s, req.body);
      } finally {
        s.busy = false;
      }
      return { status: 202, headers: progress() };
    }
    if (req.method === 'PUT') {
      const digest = req.query.get('digest');
      if (!digest || !isDigest(digest)) {
        await drain(req.body);
        throw new OciError('DIGEST_INVALID', `PUT needs ?digest=<algorithm>:<hex>, got ${JSON.stringify(digest)}`);
      }
      return finish(s, req, digest);
    }
    throw new OciError('UNSUPPORTED', `${req.method} not allowed on uploads`);
  }

  /** Append a request body to the session; a body cut short cancels the whole upload. */
  async function appendOrCancel(s: Session, body: HttpRequest['body']): Promise<void> {
    try {
      await uploads!.append(s, body);
    } catch (err) {
      await uploads!.cancel(s);
      throw bodyCut(err);
    }
  }

  /** Write the request body (maybe empty) to the session, then verify and commit it. */
  async function finish(s: Session, req: HttpRequest, digest: string): Promise<HttpResponse> {
    const up = uploads!;
    s.busy = true;
    await appendOrCancel(s, req.body);
    try {
      await up.commit(s, digest);
    } catch (err) {
      if (isAirlockError(err, 'DIGEST_MISMATCH') || isAirlockError(err, 'SIZE_MISMATCH')) {
        throw new OciError('DIGEST_INVALID', `uploaded content does not match ${digest}; nothing was stored`, err.data);
      }
      throw err;
    }
    return blobCreated(s.repo, digest);
  }

  async function referrers(req: HttpRequest, t: Target): Promise<HttpResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new OciError('UNSUPPORTED', `${req.method} not allowed`);
    await authorize(req, 'pull');
    if (!isDigest(t.ref)) throw new OciError('DIGEST_INVALID', `invalid digest ${JSON.stringify(t.ref)}`);
    let list = view.repo(t.repo)?.referrers.get(t.ref) ?? [];
    const headers: Record<string, string> = { 'content-type': MT.ociIndex, ...H };
    const filter = req.query.get('artifactType');
    if (filter) {
      list = list.filter((d) => d.artifactType === filter);
      headers['oci-filters-applied'] = 'artifactType';
    }
    return { status: 200, headers, body: JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: list }) };
  }

  return [
    {
      prefix: V2,
      async handle(req) {
        try {
          return await handle(req);
        } catch (err) {
          if (err instanceof OciError) return ociErrorResponse(err);
          if (isAirlockError(err, 'UNSAFE_PATH')) return ociErrorResponse(new OciError('NAME_INVALID', err.message));
          if (isAirlockError(err, 'USAGE')) return ociErrorResponse(new OciError('DIGEST_INVALID', err.message));
          throw err;
        }
      },
    },
  ];
}

/** A request body that ended early (client gone, connection reset): the upload is void, nothing kept. */
function bodyCut(err: unknown): OciError {
  return new OciError('BLOB_UPLOAD_INVALID', `the upload body ended early (${(err as Error).message}); nothing was kept`);
}

function blobCreated(repo: string, digest: string): HttpResponse {
  return { status: 201, headers: { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0', ...H } };
}

function resolve(repo: Repo | undefined, t: Target): ManifestDesc {
  const desc = repo && (isDigest(t.ref) ? repo.manifests.get(t.ref) : repo.tags.get(t.ref));
  if (!desc) {
    if (!repo) throw new OciError('NAME_UNKNOWN', `repository ${t.repo} not known`, { name: t.repo });
    throw new OciError('MANIFEST_UNKNOWN', `manifest ${t.ref} not known in ${t.repo}`, { name: t.repo, reference: t.ref });
  }
  return desc;
}

function parseTarget(req: HttpRequest): Target {
  const rest = req.rawPath.slice(V2.length);
  // The name may itself contain "blobs" or "manifests": match the last route keyword.
  const m = greedyMatch(rest);
  if (!m) throw new OciError('NAME_INVALID', `not a registry path: ${req.rawPath.slice(0, 200)}`);
  const segments = decodePathSegments(m.name);
  let name = segments.join('/');
  const ns = req.query.get('ns');
  if (ns) name = `${ns}/${name}`;
  const repo = servedRepo(name);
  if (!isValidRepoName(repo)) throw new OciError('NAME_INVALID', `invalid repository name ${JSON.stringify(repo)}`, { name: repo });
  return { repo, kind: m.kind, ref: decodeURIComponent(m.ref) };
}

function greedyMatch(rest: string): { name: string; kind: Target['kind']; ref: string } | undefined {
  const tries: [RegExp, Target['kind']][] = [
    [/^(.+)\/blobs\/uploads\/([^/]*)$/, 'uploads'],
    [/^(.+)\/manifests\/([^/]+)$/, 'manifests'],
    [/^(.+)\/blobs\/([^/]+)$/, 'blobs'],
    [/^(.+)\/referrers\/([^/]+)$/, 'referrers'],
    [/^(.+)\/tags\/(list)$/, 'tags'],
  ];
  for (const [re, kind] of tries) {
    const m = re.exec(rest);
    if (m) return { name: m[1]!, kind, ref: m[2]! };
  }
  return undefined;
}

/** Page a sorted list with `n` and `last`, adding a Link header when more remain. */
function paginate(req: HttpRequest, all: string[], wrap: (page: string[]) => unknown, path: string): HttpResponse {
  const last = req.query.get('last');
  const nText = req.query.get('n');
  let start = 0;
  if (last) {
    start = all.findIndex((x) => x > last);
    if (start < 0) start = all.length;
  }
  const n = nText === null ? Infinity : Math.max(0, Number(nText) || 0);
  const page = all.slice(start, n === Infinity ? undefined : start + n);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...H };
  if (n !== Infinity && start + n < all.length && page.length > 0) {
    headers.link = `<${path}?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
  }
  return { status: 200, headers, body: JSON.stringify(wrap(page)) };
}

/** Read a small body (a manifest) up to `max` bytes; more is 413. */
async function readCapped(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > max) {
      body.resume();
      throw new OciError('TOO_LARGE', `manifest larger than ${max} bytes`, { max }, {}, 413);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

async function drain(body: Readable): Promise<void> {
  for await (const _ of body) void _;
}

