// In-house images from a local OCI image layout directory, or from a docker-archive tar (`docker save`,
// `podman save`; a tar that holds an OCI layout is read as one). Every tagged image in index.json
// (org.opencontainers.image.ref.name) becomes an artifact; a ref.name that is only a tag is named
// `<entry name or local/<dir>>:<tag>`. Blobs are verified against their digests on the way in, and
// large ones (layers) stream into the store: neither a directory nor a tar is ever held in memory whole.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename, resolve } from 'node:path';
import { extract } from 'tar-stream';
import { AirlockError } from '../../core/errors.js';
import { digestOf } from '../../core/digest.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { BlobInfo } from '../../store/blob-store.js';
import type { CollectContext, CollectResult } from '../kind.js';
import { isIndexType, MT, parseManifest } from './media.js';
import { parseImageRef, recordName } from './names.js';
import { imageClosure, imageRecord, REF_NAME } from './records.js';
import type { LayoutEntry, LayoutLocked } from './spec.js';

type Reader = (path: string) => Promise<Buffer | undefined>;

export async function collectLayout(entry: LayoutEntry, ctx: CollectContext, _pinned?: LayoutLocked): Promise<CollectResult<LayoutLocked>> {
  const path = resolve(ctx.baseDir, entry.layout);
  if (!existsSync(path)) throw new AirlockError('NOT_FOUND', `layout ${entry.layout} does not exist (looked at ${path})`, { hint: 'give a directory holding oci-layout and index.json, or a docker-archive .tar' });
  const defaultName = entry.name ?? `local/${basename(path).replace(/\.tar$/, '').toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
  let read: Reader;
  const isDir = statSync(path).isDirectory();
  if (isDir) read = (p) => readFile(resolve(path, p)).catch(() => undefined);
  else {
    const tar = await readTar(path, ctx);
    if (!tar.files.has('index.json') && tar.files.has('manifest.json')) return dockerArchive(entry, tar, ctx, defaultName);
    read = async (p) => tar.files.get(p);
  }
  const indexBytes = await read('index.json');
  if (!indexBytes) throw new AirlockError('CONFIG_INVALID', `${entry.layout}: no index.json; not an OCI image layout`);
  const index = parseManifest(indexBytes, MT.ociIndex);
  const blobPath = (d: string) => `blobs/${d.replace(':', '/')}`;
  const put = async (digest: string): Promise<Buffer | undefined> => {
    if (await ctx.has(digest)) return ctx.readBlob(digest);
    const bytes = await read(blobPath(digest));
    if (bytes) await ctx.putBlob(bytes, digest);
    return bytes;
  };
  // Configs and layers are only stored, never parsed: from a directory they stream in (layers can be GiBs).
  const store = async (digest: string): Promise<boolean> => {
    if (await ctx.has(digest)) return true;
    if (!isDir) return (await put(digest)) !== undefined;
    const file = resolve(path, blobPath(digest));
    if (!existsSync(file)) return false;
    await ctx.putStream(createReadStream(file, { highWaterMark: 1 << 20 }), digest);
    return true;
  };
  const artifacts: NewArtifact[] = [];
  const images: LayoutLocked['images'] = [];
  for (const desc of index.manifests) {
    const refName = desc.annotations?.[REF_NAME];
    if (!refName) continue;
    const { name, tag } = nameOf(refName, defaultName);
    const bytes = await put(desc.digest);
    if (!bytes) throw new AirlockError('STORE_CORRUPT', `${entry.layout}: ${refName} names ${desc.digest}, which the layout lacks`);
    const top = parseManifest(bytes, desc.mediaType);
    const images_ = isIndexType(top.mediaType) ? top.manifests : [desc];
    for (const child of images_) {
      const cb = child === desc ? bytes : await put(child.digest);
      if (!cb) continue; // a sparse layout: the child is recorded absent
      const m = parseManifest(cb, child.mediaType);
      if (isIndexType(m.mediaType)) continue;
      for (const d of [m.config!, ...m.layers]) {
        if (!(await store(d.digest)) && !d.urls?.length) throw new AirlockError('STORE_CORRUPT', `${entry.layout}: blob ${d.digest} of ${refName} is missing`);
      }
    }
    const closure = await imageClosure(
      { digest: desc.digest, mediaType: desc.mediaType, size: bytes.length, bytes },
      async (d) => ((await ctx.has(d)) ? ctx.readBlob(d) : undefined),
      (d) => ctx.has(d),
      { sparse: true },
    );
    artifacts.push(imageRecord(name, tag, `layout:${entry.layout}`, closure));
    images.push({ name, tag, digest: desc.digest });
  }
  if (artifacts.length === 0) throw new AirlockError('NOT_FOUND', `${entry.layout}: no image in index.json has an ${REF_NAME} annotation`, { hint: 'tag the image when writing the layout (e.g. skopeo copy … oci:DIR:TAG)' });
  return { locked: { layout: entry.layout, images }, artifacts };
}

function nameOf(refName: string, defaultName: string): { name: string; tag: string } {
  if (refName.includes('/')) {
    const r = parseImageRef(refName);
    return { name: recordName(r), tag: r.tag ?? 'latest' };
  }
  return { name: defaultName, tag: refName };
}

/** Tar entries up to this size are kept in memory (index, manifests, configs); larger ones stream to the store. */
const IN_MEMORY_LIMIT = 4 << 20;

interface TarContents {
  /** Small entries, by name. */
  files: Map<string, Buffer>;
  /** Large entries, already streamed into the store (verified against their name when it is a digest). */
  stored: Map<string, BlobInfo>;
}

/** One pass over the tar: small entries into memory, large ones straight into the store. */
async function readTar(file: string, ctx: CollectContext): Promise<TarContents> {
  const contents: TarContents = { files: new Map(), stored: new Map() };
  const ex = extract();
  const done = new Promise<void>((resolveDone, reject) => {
    ex.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      const size = header.size ?? 0;
      if (header.type !== 'file') {
        stream.resume();
        stream.on('end', () => next());
        return;
      }
      if (size > IN_MEMORY_LIMIT) {
        const m = /^blobs\/(sha256)\/([a-f0-9]{64})$/.exec(name);
        ctx.putStream(stream as AsyncIterable<Buffer>, m ? `${m[1]}:${m[2]}` : undefined).then(
          (info) => (contents.stored.set(name, info), next()),
          (err) => reject(err),
        );
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        contents.files.set(name, Buffer.concat(chunks));
        next();
      });
      stream.on('error', reject);
    });
    ex.on('finish', () => resolveDone());
    ex.on('error', reject);
  });
  // pipeline, not pipe: a read error (EIO, a file gone) rejects here instead of being an unhandled 'error'.
  const reading = pipeline(createReadStream(file), ex);
  try {
    await Promise.all([done, reading]);
  } catch (err) {
    ex.destroy(); // an entry failed: stop reading the tar (pipeline closes the file)
    throw err;
  }
  return contents;
}

/** docker save's format: manifest.json [{Config, RepoTags, Layers}], layers as plain tars. */
async function dockerArchive(entry: LayoutEntry, { files, stored }: TarContents, ctx: CollectContext, defaultName: string): Promise<CollectResult<LayoutLocked>> {
  const list = JSON.parse(files.get('manifest.json')!.toString()) as { Config: string; RepoTags?: string[]; Layers: string[] }[];
  const artifacts: NewArtifact[] = [];
  const images: LayoutLocked['images'] = [];
  for (const img of list) {
    const config = files.get(img.Config);
    if (!config) throw new AirlockError('CONFIG_INVALID', `${entry.layout}: ${img.Config} missing from the archive`);
    const cd = await ctx.putBlob(config);
    const layers = [];
    for (const l of img.Layers) {
      const bytes = files.get(l);
      const info = stored.get(l) ?? (bytes && (await ctx.putBlob(bytes)));
      if (!info) throw new AirlockError('CONFIG_INVALID', `${entry.layout}: layer ${l} missing from the archive`);
      layers.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: info.digest, size: info.size });
    }
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MT.dockerManifest, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cd.digest, size: cd.size }, layers }),
    );
    const md = await ctx.putBlob(manifest, digestOf(manifest));
    const closure = await imageClosure({ digest: md.digest, mediaType: MT.dockerManifest, size: manifest.length, bytes: manifest }, (d) => ctx.readBlob(d), (d) => ctx.has(d), { sparse: false });
    for (const repoTag of img.RepoTags ?? [`${defaultName}:latest`]) {
      const r = parseImageRef(repoTag);
      const name = recordName(r);
      const tag = r.tag ?? 'latest';
      artifacts.push(imageRecord(name, tag, `layout:${entry.layout}`, closure));
      images.push({ name, tag, digest: md.digest });
    }
  }
  return { locked: { layout: entry.layout, images }, artifacts };
}
