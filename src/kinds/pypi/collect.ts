// Collecting a `python:` entry: resolve the requirements for every target against the upstream index,
// then declare every chosen file (with the index's sha256) and its core metadata to the core, which
// downloads and verifies them. Under --locked the pinned files are fetched exactly, without resolving.
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { AirlockError } from '../../core/errors.js';
import { parseDigest, sha256Digest } from '../../core/digest.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { CollectContext, CollectResult } from '../kind.js';
import { normalizeName } from './markers.js';
import { parseCoreMetadata, wheelMetadata, type CoreMetadata } from './metadata.js';
import { resolve, type Pin } from './resolver.js';
import { parseRequirementsFile } from './requirement.js';
import { markerEnv, supportedTags } from './tags.js';
import { fetchProject, fileVersion, type IndexFile } from './upstream.js';
import type { PinnedFile, PythonEntry, PythonLocked, Target } from './spec.js';

interface Fetched {
  file: IndexFile;
  blob: { digest: string; size: number };
  metadata?: { digest: string; size: number };
}

export async function collectPython(entry: PythonEntry, ctx: CollectContext, pinned?: PythonLocked): Promise<CollectResult<PythonLocked>> {
  const session = new Session(entry.index, ctx);
  const targets: PythonLocked['targets'] = [];
  for (const target of entry.targets) {
    const files = ctx.locked && pinned ? await session.fetchPinned(pinned, target) : await session.resolveTarget(entry, target);
    targets.push({ ...target, files });
  }
  return { locked: { index: entry.index, requirements: entry.requirements, targets }, artifacts: session.artifacts() };
}

class Session {
  private readonly pages = new Map<string, Promise<IndexFile[] | undefined>>();
  private readonly metas = new Map<string, Promise<{ meta: CoreMetadata; blob?: { digest: string; size: number } }>>();
  private readonly fetched = new Map<string, Fetched & { name: string; version: string }>();

  constructor(
    private readonly index: string,
    private readonly ctx: CollectContext,
  ) {}

  async resolveTarget(entry: PythonEntry, target: Target): Promise<PinnedFile[]> {
    const roots = typeof entry.requirements === 'string' ? parseRequirementsFile(await readFile(resolvePath(this.ctx.baseDir, entry.requirements), 'utf8')) : entry.requirements;
    const provider = { files: (name: string) => this.files(name), metadata: async (f: IndexFile) => (await this.metadata(f)).meta };
    const pins = await resolve(roots, { env: markerEnv(target), supported: supportedTags(target) }, provider);
    this.ctx.log.info({ target: `${target.python}/${target.platform}`, packages: pins.length }, 'python requirements resolved');
    const out: PinnedFile[] = [];
    for (const pin of pins) {
      out.push(await this.carry(pin.name, pin.version, pin.file));
      if (entry.sdists) for (const sdist of sdistsOf(pin)) out.push(await this.carry(pin.name, pin.version, sdist));
    }
    return out;
  }

  async fetchPinned(pinned: PythonLocked, target: Target): Promise<PinnedFile[]> {
    const files = pinned.targets.find((t) => t.python === target.python && t.platform === target.platform)?.files ?? [];
    // Metadata the index offered is fetched again by its pinned digest; metadata read from a wheel is read again.
    const metadataOf = (p: PinnedFile) => (p.metadata && !p.metadata.fromWheel ? p.metadata.sha256 : undefined);
    return Promise.all(files.map((p) => this.carry(p.name, p.version, { filename: p.filename, url: p.url, sha256: p.sha256, requiresPython: p.requiresPython, yanked: false, metadataSha256: metadataOf(p) })));
  }

  private files(name: string): Promise<IndexFile[] | undefined> {
    let page = this.pages.get(name);
    if (!page) this.pages.set(name, (page = fetchProject(this.ctx.http, this.index, name)));
    return page;
  }

  /** PEP 658 metadata when the index offers it, else METADATA read from the wheel (downloaded first). */
  private metadata(file: IndexFile): Promise<{ meta: CoreMetadata; blob?: { digest: string; size: number } }> {
    let m = this.metas.get(file.url);
    if (!m) this.metas.set(file.url, (m = this.loadMetadata(file)));
    return m;
  }

  private async loadMetadata(file: IndexFile) {
    if (file.metadataSha256 !== undefined) {
      const blob = await this.ctx.fetch({ url: `${file.url}.metadata`, digest: file.metadataSha256 ? sha256Digest(file.metadataSha256) : undefined, label: `${file.filename}.metadata` });
      return { meta: parseCoreMetadata((await this.ctx.readBlob(blob.digest)).toString('utf8')), blob };
    }
    const wheel = await this.download(file);
    // CollectContext offers whole-blob reads only; wheels without PEP 658 metadata are rare on modern indexes.
    const bytes = await this.ctx.readBlob(wheel.digest);
    const text = await wheelMetadata(bytes.length, async (offset, length) => bytes.subarray(offset, offset + length));
    if (!text) throw new AirlockError('FETCH_FAILED', `${file.url}: no .dist-info/METADATA in the wheel`, { hint: 'the file is not a valid wheel; exclude this version' });
    const blob = await this.ctx.putBlob(text);
    return { meta: parseCoreMetadata(text.toString('utf8')), blob };
  }

  private download(file: IndexFile) {
    return this.ctx.fetch({ url: file.url, digest: file.sha256 ? sha256Digest(file.sha256) : undefined, label: file.filename });
  }

  private async carry(name: string, version: string, file: IndexFile): Promise<PinnedFile> {
    const blob = await this.download(file);
    const metadata = file.filename.endsWith('.whl') ? (await this.metadata(file)).blob : undefined;
    this.fetched.set(file.filename, { file, blob, metadata, name, version });
    return {
      name,
      version,
      filename: file.filename,
      url: file.url,
      sha256: parseDigest(blob.digest).hex,
      size: blob.size,
      ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
      ...(metadata ? { metadata: { sha256: parseDigest(metadata.digest).hex, size: metadata.size, ...(file.metadataSha256 === undefined ? { fromWheel: true as const } : {}) } } : {}),
    };
  }

  artifacts(): NewArtifact[] {
    return [...this.fetched.values()].map((f) => pythonArtifact({ name: f.name, version: f.version, filename: f.file.filename, origin: f.file.url, blob: f.blob, metadata: f.metadata, requiresPython: f.file.requiresPython, yanked: f.file.yanked }));
  }
}

function sdistsOf(pin: Pin): IndexFile[] {
  return pin.files.filter((f) => /\.(tar\.gz|zip)$/.test(f.filename) && fileVersion(f.filename, pin.name) !== undefined && !f.yanked);
}

export interface PythonFileInfo {
  name: string;
  version: string;
  filename: string;
  origin: string;
  blob: { digest: string; size: number };
  metadata?: { digest: string; size: number };
  requiresPython?: string;
  yanked?: boolean;
}

/** One artifact per distribution file; the index pages are derived from these records. */
export function pythonArtifact(f: PythonFileInfo): NewArtifact {
  return {
    kind: 'pypi',
    name: normalizeName(f.name),
    version: f.version,
    platform: f.filename,
    origin: f.origin,
    blobs: [
      { digest: f.blob.digest, size: f.blob.size, role: 'content', mediaType: 'application/octet-stream' },
      ...(f.metadata ? [{ digest: f.metadata.digest, size: f.metadata.size, role: 'metadata', mediaType: 'text/plain' }] : []),
    ],
    meta: { filename: f.filename, ...(f.requiresPython ? { requiresPython: f.requiresPython } : {}), ...(f.yanked ? { yanked: true } : {}) },
  };
}
