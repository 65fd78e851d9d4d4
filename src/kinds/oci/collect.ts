// Collecting an image: resolve the reference to a digest (or take the lock's pin), keep the top manifest
// or index byte for byte, fetch the selected platforms' manifests and every config and layer through the
// engine (parallel, deduplicated, resumable, verified), carry referrers (OCI 1.1 referrers API and the
// sha256-<hex>.sig/.att/.sbom tags), and record one artifact per tag plus one per referrer.
import type { BlobInfo } from '../../store/blob-store.js';
import type { NewArtifact } from '../../store/artifact.js';
import { AirlockError, isAirlockError } from '../../core/errors.js';
import type { CollectContext, CollectResult } from '../kind.js';
import { credentialsFor } from './credentials.js';
import { isIndexType, parseManifest, platformMatches, platformString, type Descriptor, type ParsedManifest } from './media.js';
import { formatRef, parseImageRef, recordName, type ImageRef } from './names.js';
import { imageClosure, imageRecord } from './records.js';
import type { ImageEntry, ImageLocked, RefEntry, RefLocked } from './spec.js';
import { RegistryClient } from './upstream.js';
import { collectLayout } from './layout.js';

/** Per-collect-run state shared by all image entries: one client per registry, in-flight blobs. */
interface RunState {
  clients: Map<string, RegistryClient>;
  inflight: Map<string, Promise<unknown>>;
}
const runs = new WeakMap<CollectContext, RunState>();

function runState(ctx: CollectContext): RunState {
  let s = runs.get(ctx);
  if (!s) runs.set(ctx, (s = { clients: new Map(), inflight: new Map() }));
  return s;
}

export async function collectImage(entry: ImageEntry, ctx: CollectContext, pinned?: ImageLocked): Promise<CollectResult<ImageLocked>> {
  if ('layout' in entry) return collectLayout(entry, ctx, pinned && 'layout' in pinned ? pinned : undefined);
  return collectRef(entry, ctx, pinned && 'ref' in pinned ? pinned : undefined);
}

/** Run `task` once per key across concurrent entries of the same collect (shared layers). */
function once<T>(ctx: CollectContext, key: string, task: () => Promise<T>): Promise<T> {
  const state = runState(ctx);
  let p = state.inflight.get(key) as Promise<T> | undefined;
  if (!p) {
    p = task();
    state.inflight.set(key, p);
    p.catch(() => state.inflight.delete(key));
  }
  return p;
}

function clientFor(ctx: CollectContext, ref: ImageRef, insecure?: boolean): RegistryClient {
  const state = runState(ctx);
  let c = state.clients.get(ref.registry);
  if (!c) state.clients.set(ref.registry, (c = new RegistryClient(ctx.http, ref.registry, { insecure, credentials: credentialsFor(ref.registry) })));
  return c;
}

interface Source {
  ctx: CollectContext;
  client: RegistryClient;
  ref: ImageRef;
  name: string;
}

async function collectRef(entry: RefEntry, ctx: CollectContext, pinned?: RefLocked): Promise<CollectResult<ImageLocked>> {
  const ref = parseImageRef(entry.ref);
  const src: Source = { ctx, client: clientFor(ctx, ref, entry.insecure), ref, name: recordName(ref) };
  const where = formatRef(ref);
  // Without --locked, the lock's digest is reused when the store still has that manifest.
  const pin = ref.digest ?? (pinned && (ctx.locked || (await ctx.has(pinned.digest))) ? pinned.digest : undefined);
  const top = await manifest(src, pin ?? ref.tag!, pinned?.digest === pin ? pinned?.mediaType : undefined);
  const parsed = parseManifest(top.bytes, top.mediaType);
  const children = isIndexType(parsed.mediaType) ? selectChildren(parsed.manifests, entry.platforms, where) : [];
  const read = async (d: string) => ((await ctx.has(d)) ? ctx.readBlob(d) : undefined);
  const has = (d: string) => ctx.has(d);
  // Signatures are looked up while the layers download: on a slow link round trips, not bytes, cost.
  const subjects = [top.digest, ...children.map((c) => c.digest)];
  const referrers = entry.referrers === false ? Promise.resolve([]) : collectReferrers(src, subjects, read, has);
  referrers.catch(() => undefined);
  if (isIndexType(parsed.mediaType)) await Promise.all(children.map(async (c) => pullImage(src, await manifest(src, c.digest, c.mediaType))));
  else await pullImage(src, { ...top, parsed });
  const closure = await imageClosure({ digest: top.digest, mediaType: top.mediaType, size: top.bytes.length, bytes: top.bytes }, read, has, { sparse: true });
  const origin = `${src.name}${ref.tag ? `:${ref.tag}` : ''}@${top.digest}`;
  const artifacts: NewArtifact[] = [imageRecord(src.name, ref.tag ?? top.digest, origin, closure)];
  if (ref.tag && ref.digest) artifacts.push(imageRecord(src.name, top.digest, origin, closure));
  artifacts.push(...(await referrers));
  const locked: RefLocked = { ref: entry.ref, digest: top.digest, mediaType: closure.meta.mediaType, size: top.bytes.length };
  if (entry.platforms) locked.platforms = entry.platforms;
  return { locked, artifacts };
}

interface Fetched {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** A manifest by tag or digest: from the store when present, else from upstream (verified, stored). */
async function manifest(src: Source, reference: string, mediaTypeHint?: string): Promise<Fetched> {
  const { ctx, client, ref } = src;
  if (reference.includes(':') && (await ctx.has(reference))) {
    const bytes = await ctx.readBlob(reference);
    return { digest: reference, bytes, mediaType: mediaTypeHint || parseManifest(bytes).mediaType };
  }
  return once(ctx, `manifest ${client.registry}/${ref.repository}@${reference}`, async () => {
    const m = await client.getManifest(ref.repository, reference);
    // putBlob verifies the bytes against the digest upstream claimed (or the one we asked for).
    await ctx.putBlob(m.bytes, m.digest).catch((err) => {
      if (isAirlockError(err, 'DIGEST_MISMATCH')) {
        throw new AirlockError('DIGEST_MISMATCH', `${client.registry}/${ref.repository}@${reference}: manifest bytes do not match ${m.digest}`, { cause: err });
      }
      throw err;
    });
    return { digest: m.digest, bytes: m.bytes, mediaType: m.mediaType || parseManifest(m.bytes).mediaType };
  });
}

/** The children of an index to keep: the wanted platforms plus attestations that describe them. */
function selectChildren(children: Descriptor[], platforms: string[] | undefined, where: string): Descriptor[] {
  if (!platforms) return children;
  const kept = children.filter((c) => platforms.some((p) => platformMatches(c.platform, p)));
  if (kept.length === 0) {
    const has = children.map((c) => platformString(c.platform)).join(', ');
    throw new AirlockError('NOT_FOUND', `${where}: none of the platforms ${platforms.join(', ')} is in the index (it has ${has})`, {
      hint: 'fix `platforms:` for this image',
    });
  }
  const keptDigests = new Set(kept.map((c) => c.digest));
  const attestations = children.filter(
    (c) => c.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' && keptDigests.has(c.annotations['vnd.docker.reference.digest'] ?? ''),
  );
  return [...kept, ...attestations];
}

/** Fetch an image manifest's config and layers. */
async function pullImage(src: Source, m: Fetched & { parsed?: ParsedManifest }): Promise<void> {
  const parsed = m.parsed ?? parseManifest(m.bytes, m.mediaType);
  if (isIndexType(parsed.mediaType)) return; // a nested index is kept, not walked
  const blobs = [parsed.config!, ...parsed.layers].filter((d) => !d.urls?.length);
  await Promise.all(blobs.map((d) => blob(src, d)));
}

/** One blob through the engine, with the registry's auth header; a token that expired is renewed. */
function blob(src: Source, d: Descriptor): Promise<BlobInfo> {
  const { ctx, client, ref } = src;
  return once(ctx, `blob ${d.digest}`, async () => {
    if (await ctx.has(d.digest)) return ctx.fetch({ url: client.blobUrl(ref.repository, d.digest), digest: d.digest, size: d.size });
    for (let attempt = 0; ; attempt++) {
      const auth = await client.authHeader(ref.repository, attempt > 0);
      try {
        return await ctx.fetch({
          url: client.blobUrl(ref.repository, d.digest),
          digest: d.digest,
          size: d.size,
          headers: auth ? { authorization: auth } : undefined,
          label: `${src.name} ${d.digest.slice(7, 19)}`,
        });
      } catch (err) {
        if (attempt < 2 && isAirlockError(err, 'FETCH_FAILED') && err.data.status === 401) continue;
        throw err;
      }
    }
  });
}

/**
 * Signatures and attestations of the given manifests: the referrers API when the upstream has one,
 * and the tag convention (`sha256-<hex>.sig`, `.att`, `.sbom`) cosign uses everywhere.
 */
async function collectReferrers(
  src: Source,
  subjects: string[],
  read: (d: string) => Promise<Buffer | undefined>,
  has: (d: string) => Promise<boolean>,
): Promise<NewArtifact[]> {
  const out: NewArtifact[] = [];
  const { client, ref } = src;
  await Promise.all(
    subjects.map(async (subject) => {
      const found: { version: string; desc: { digest: string; mediaType?: string } }[] = [];
      const viaApi = await client.referrers(ref.repository, subject).catch(() => undefined);
      for (const d of viaApi ?? []) found.push({ version: d.digest, desc: d });
      const tagged = await Promise.all(
        ['sig', 'att', 'sbom'].map(async (suffix) => {
          const tag = `${subject.replace(':', '-')}.${suffix}`;
          const res = await client.request(`${client.base}/v2/${ref.repository}/manifests/${tag}`, ref.repository, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } }).catch(() => undefined);
          await res?.body.dump();
          return res?.statusCode === 200 ? tag : undefined;
        }),
      );
      for (const tag of tagged) if (tag) found.push({ version: tag, desc: { digest: tag } });
      for (const f of found) {
        const m = await manifest(src, f.desc.digest, f.desc.mediaType);
        await pullImage(src, m);
        const closure = await imageClosure({ digest: m.digest, mediaType: m.mediaType, size: m.bytes.length, bytes: m.bytes }, read, has, { sparse: true });
        out.push(imageRecord(src.name, f.version, `${src.name}@${subject} referrer`, closure));
      }
    }),
  );
  return out;
}
