// Manifest GET/HEAD, PUT and DELETE for the registry (routes.ts dispatches here).
//
// Digests keep the algorithm the client used: a manifest pushed by `sha512:…` is recorded, served
// and deleted under that digest, and `Docker-Content-Digest` echoes it. A push by tag has no client
// digest, so it gets the registry's canonical sha256 — unless the repository already holds those
// exact bytes under another algorithm (pushed by that digest first), whose digest the tag then names.
// `PUT …/manifests/<digest>?tag=a&tag=b` tags in the same request (distribution-spec 1.1.1: each
// accepted tag is echoed in `OCI-Tag`); this is how a client tags non-sha256 content explicitly.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from '../../http/route.js';
import type { ServeOptions } from '../kind.js';
import { digestOf, isDigest, parseDigest, type Digest } from '../../core/digest.js';
import { API_VERSION_HEADER as H, OciError } from './errors.js';
import { isValidTag } from './names.js';
import { ManifestError } from './media.js';
import { imageClosure, imageRecord, metaOf, MissingBlobError } from './records.js';
import type { ManifestDesc, RegistryView, Repo } from './view.js';
import type { UnlinkedBlobs } from './unlinked.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ManifestTarget {
  /** Served repository name. */
  repo: string;
  /** Tag or digest. */
  ref: string;
}

export interface ManifestDeps {
  opts: ServeOptions;
  view: RegistryView;
  links: UnlinkedBlobs;
  republish(): Promise<void>;
}

export async function getManifest(d: ManifestDeps, req: HttpRequest, t: ManifestTarget): Promise<HttpResponse> {
  const desc = resolve(d.view.repo(t.repo), t);
  const headers = { 'content-type': desc.mediaType, 'content-length': desc.size, 'docker-content-digest': desc.digest, etag: `"${desc.digest}"`, ...H };
  if (req.method === 'HEAD') return { status: 200, headers };
  let bytes = d.view.cached(desc.digest);
  if (!bytes) {
    bytes = await readFile(d.opts.store.paths.blob(desc.digest)).catch(() => undefined);
    if (!bytes) throw new OciError('MANIFEST_UNKNOWN', `manifest ${desc.digest} is missing from the store`);
    d.view.remember(desc.digest, bytes);
  }
  return { status: 200, headers, body: bytes };
}

export async function putManifest(d: ManifestDeps, req: HttpRequest, t: ManifestTarget): Promise<HttpResponse> {
  const w = d.opts.writable!;
  const byDigest = isDigest(t.ref);
  const tags = byDigest ? [...new Set(req.query.getAll('tag'))] : [t.ref];
  for (const tag of tags) if (!isValidTag(tag)) throw new OciError('MANIFEST_INVALID', `invalid tag ${JSON.stringify(tag)}`, { tag });
  const bytes = await readCapped(req.body, MAX_MANIFEST_BYTES);
  const repo = d.view.repo(t.repo);
  const digest = byDigest ? checkedDigest(bytes, t.ref) : tagDigest(repo, bytes);
  const closure = await closureOf(d, t.repo, { digest, bytes, contentType: String(req.headers['content-type'] ?? '') });
  await w.blobs.ingest([bytes], { digest });
  const name = repo?.name ?? t.repo;
  for (const version of byDigest ? [digest, ...tags] : tags) await w.addArtifact(imageRecord(name, version, 'push', closure));
  d.view.remember(digest, bytes);
  await d.republish();
  d.opts.log.info({ repo: t.repo, ref: t.ref, tags, digest, user: req.user }, 'manifest pushed');
  const headers: Record<string, string> = { location: `/v2/${t.repo}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0', ...H };
  if (byDigest && tags.length > 0) headers['oci-tag'] = tags.join(', ');
  if (closure.meta.subject) headers['oci-subject'] = closure.meta.subject;
  return { status: 201, headers };
}

/**
 * Delete a tag (its record) or a manifest by digest (every record whose top manifest it is, tags
 * included). A manifest that is still a child of an index in this repository is refused: deleting
 * its own record would answer 202 while the index keeps serving it.
 */
export async function deleteManifest(d: ManifestDeps, t: ManifestTarget): Promise<HttpResponse> {
  const w = d.opts.writable!;
  const repo = d.view.repo(t.repo);
  if (!repo) throw new OciError('NAME_UNKNOWN', `repository ${t.repo} not known`, { name: t.repo });
  const entries = w.find({ kind: 'oci', name: repo.name });
  const byDigest = isDigest(t.ref);
  const doomed = entries.filter((e) => (byDigest ? metaOf(e.record).digest === t.ref : e.record.version === t.ref));
  if (byDigest) {
    const holder = entries.find((e) => !doomed.includes(e) && e.record.blobs.some((b) => b.digest === t.ref && (b.role === 'manifest' || b.role === 'index')));
    if (holder) {
      const by = `${holder.record.name}${isDigest(holder.record.version) ? '@' : ':'}${holder.record.version}`;
      throw new OciError('DENIED', `manifest ${t.ref} is part of ${by}: delete that first`, { reference: t.ref, heldBy: by }, {}, 409);
    }
  }
  if (doomed.length === 0) throw new OciError('MANIFEST_UNKNOWN', `manifest ${t.ref} not known in ${t.repo}`, { name: t.repo, reference: t.ref });
  for (const e of doomed) await w.removeArtifact(e.recordDigest);
  await d.republish();
  return { status: 202, headers: { ...H, 'content-length': '0' } };
}

export function resolve(repo: Repo | undefined, t: ManifestTarget): ManifestDesc {
  const desc = repo && (isDigest(t.ref) ? repo.manifests.get(t.ref) : repo.tags.get(t.ref));
  if (!desc) {
    if (!repo) throw new OciError('NAME_UNKNOWN', `repository ${t.repo} not known`, { name: t.repo });
    throw new OciError('MANIFEST_UNKNOWN', `manifest ${t.ref} not known in ${t.repo}`, { name: t.repo, reference: t.ref });
  }
  return desc;
}

/** The digest a push by digest names, after checking the bytes hash to it. */
function checkedDigest(bytes: Buffer, ref: string): Digest {
  const actual = digestOf(bytes, parseDigest(ref).algorithm);
  if (actual !== ref) throw new OciError('DIGEST_INVALID', `manifest digest does not match ${ref}`, { expected: ref, actual });
  return actual;
}

/** A push by tag: the canonical sha256, or the sha512 under which the repository already holds these bytes. */
function tagDigest(repo: Repo | undefined, bytes: Buffer): Digest {
  const canonical = digestOf(bytes);
  if (!repo || repo.manifests.has(canonical)) return canonical;
  const sha512 = digestOf(bytes, 'sha512');
  return repo.manifests.has(sha512) ? sha512 : canonical;
}

/** Every blob the manifest needs, each present in this repository with the size the manifest says. */
async function closureOf(d: ManifestDeps, repo: string, m: { digest: Digest; bytes: Buffer; contentType: string }) {
  const w = d.opts.writable!;
  const sizeOf = async (digest: string) => (d.links.hidden(repo, digest) ? undefined : (await w.blobs.stat(digest))?.size);
  try {
    return await imageClosure(
      { digest: m.digest, mediaType: m.contentType, size: m.bytes.length, bytes: m.bytes },
      async (digest) => (d.links.hidden(repo, digest) ? undefined : readFile(w.paths.blob(digest)).catch(() => undefined)),
      async (digest) => (await sizeOf(digest)) !== undefined,
      { sparse: false, sizeOf },
    );
  } catch (err) {
    if (err instanceof ManifestError) throw new OciError('MANIFEST_INVALID', err.message);
    if (err instanceof MissingBlobError) throw new OciError('MANIFEST_BLOB_UNKNOWN', err.message, { digest: err.digest });
    throw err;
  }
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
