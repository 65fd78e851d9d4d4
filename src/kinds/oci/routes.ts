// The OCI Distribution registry (spec v1.1) at /v2/: pull, push (monolithic, chunked, streamed),
// cross-repository mount, tags, _catalog, referrers, deletes. Handlers take a request and return a
// response; blob bodies are files the adapter streams; uploads stream through a VerifiedWriter.
// Manifests are handled in manifests.ts; per-repository blob deletes are kept in unlinked.ts.
import type { Readable } from 'node:stream';
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse, Route } from '../../http/route.js';
import { blobResponse } from '../../http/blob-response.js';
import { decodePathSegments } from '../../http/safe-path.js';
import { basicChallenge } from '../../http/auth.js';
import { isDigest } from '../../core/digest.js';
import { isAirlockError } from '../../core/errors.js';
import { API_VERSION_HEADER, OciError, ociErrorResponse } from './errors.js';
import { isValidRepoName, servedRepo } from './names.js';
import { MT } from './media.js';
import { publishIndex } from './records.js';
import { RegistryView } from './view.js';
import { UploadSessions, type Session } from './uploads.js';
import { UnlinkedBlobs } from './unlinked.js';
import { deleteManifest, getManifest, putManifest, type ManifestDeps } from './manifests.js';

export const V2 = '/v2/';

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
  // Read once (no file: no marks); afterwards kept in memory and written through on every change.
  const unlinked = UnlinkedBlobs.load(store);
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
    const t = unflatten(req, parseTarget(req));
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

  /** A read of a name served without its upstream registry resolves to the one upstream that has it. */
  const told = new Set<string>();
  function unflatten(req: HttpRequest, t: Target): Target {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || t.kind === 'uploads' || view.repo(t.repo)) return t;
    const candidates = view.flattened(t.repo);
    if (candidates.length > 1) {
      throw new OciError('NAME_UNKNOWN', `repository ${t.repo} is ambiguous: ${candidates.join(', ')} all have it; pull it by its full name`, { name: t.repo, candidates });
    }
    if (candidates.length === 0) return t;
    if (!told.has(t.repo)) {
      told.add(t.repo);
      opts.log.info({ requested: t.repo, served: candidates[0] }, 'a name without its upstream registry is served from the one upstream that has it');
    }
    return { ...t, repo: candidates[0]! };
  }

  async function manifests(req: HttpRequest, t: Target): Promise<HttpResponse> {
    const deps: ManifestDeps = { opts, view, links: await unlinked, republish };
    if (req.method === 'GET' || req.method === 'HEAD') {
      await authorize(req, 'pull');
      return getManifest(deps, req, t);
    }
    if (req.method === 'PUT') {
      await authorize(req, 'push');
      return putManifest(deps, req, t);
    }
    if (req.method === 'DELETE') {
      await authorize(req, 'delete');
      return deleteManifest(deps, t);
    }
    throw new OciError('UNSUPPORTED', `${req.method} not allowed on manifests`);
  }

  async function blobs(req: HttpRequest, t: Target): Promise<HttpResponse> {
    if (!isDigest(t.ref)) throw new OciError('DIGEST_INVALID', `invalid digest ${JSON.stringify(t.ref)}`);
    const links = await unlinked;
    const unknown = () => new OciError('BLOB_UNKNOWN', `blob ${t.ref} not known in ${t.repo}`, { digest: t.ref });
    if (req.method === 'GET' || req.method === 'HEAD') {
      await authorize(req, 'pull');
      if (links.hidden(t.repo, t.ref)) throw unknown();
      const res = await blobResponse(req, store.blobs, t.ref, { headers: { 'docker-content-digest': t.ref, ...H } });
      if (!res) throw unknown();
      return res;
    }
    if (req.method === 'DELETE') {
      await authorize(req, 'delete');
      if (links.hidden(t.repo, t.ref) || !(await writable!.blobs.stat(t.ref))) throw unknown();
      // The file is shared by every repository and kind: this repository stops serving it now, and
      // `store gc` reclaims the file once no record needs it (see unlinked.ts).
      await links.unlink(t.repo, t.ref);
      opts.log.info({ repo: t.repo, digest: t.ref, user: req.user }, 'blob unlinked');
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
      if (mount && (await mountable(mount, req.query.get('from')))) {
        await drain(req.body);
        await (await unlinked).relink(t.repo, mount);
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

  /**
   * Can `digest` be mounted from repository `from` (any repository when absent)? An invalid name, or
   * a blob that repository does not serve, is not mountable: the client gets an upload session
   * instead (202), as the spec and distribution answer.
   */
  async function mountable(digest: string, from: string | null): Promise<boolean> {
    if (!isDigest(digest) || (from !== null && !isValidRepoName(from))) return false;
    if (from !== null && (await unlinked).hidden(from, digest)) return false;
    return (await writable!.blobs.stat(digest)) !== undefined;
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
    await (await unlinked).relink(s.repo, digest);
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

async function drain(body: Readable): Promise<void> {
  for await (const _ of body) void _;
}

