// OCI and Docker media types, and the few facts about manifests the registry and collect need.
// Pure: no I/O. Manifests are kept byte for byte; these helpers only read them.

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The manifest media types airlock stores and serves. */
export const MANIFEST_TYPES: readonly string[] = [MT.ociManifest, MT.ociIndex, MT.dockerManifest, MT.dockerList];
export const ACCEPT_MANIFESTS = MANIFEST_TYPES.join(', ');

export function isIndexType(mediaType: string): boolean {
  return mediaType === MT.ociIndex || mediaType === MT.dockerList;
}

export function isSchema1(mediaType: string): boolean {
  return mediaType === MT.dockerSchema1 || mediaType === MT.dockerSchema1Signed;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

export interface ParsedManifest {
  mediaType: string;
  /** Image manifest: config + layers. Index: children. */
  config?: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

function isDescriptor(v: unknown): v is Descriptor {
  const d = v as Descriptor;
  return !!d && typeof d === 'object' && typeof d.digest === 'string' && typeof d.size === 'number' && typeof d.mediaType === 'string';
}

/**
 * Read a manifest or index. `contentType` is what the client or upstream said; the body's own
 * `mediaType` wins when present (a schema 2 manifest always has one; OCI may omit it).
 */
export function parseManifest(bytes: Buffer, contentType?: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ManifestError('manifest is not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ManifestError('manifest is not a JSON object');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const ct = contentType?.split(';')[0]!.trim();
  let mediaType = declared ?? (ct && ct !== 'application/json' && ct !== 'application/octet-stream' ? ct : undefined);
  if (!mediaType) mediaType = Array.isArray(doc.manifests) ? MT.ociIndex : MT.ociManifest;
  if (isSchema1(mediaType) || doc.schemaVersion === 1) {
    throw new ManifestError('Docker schema 1 manifests are not supported (deprecated since 2019); push the image again with a current client');
  }
  if (doc.schemaVersion !== 2) throw new ManifestError('manifest schemaVersion must be 2');
  const list = (v: unknown, what: string): Descriptor[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isDescriptor)) throw new ManifestError(`manifest ${what} must be a list of descriptors`);
    return v;
  };
  const out: ParsedManifest = { mediaType, layers: [], manifests: [] };
  if (isIndexType(mediaType)) out.manifests = list(doc.manifests, 'manifests');
  else {
    if (!isDescriptor(doc.config)) throw new ManifestError('image manifest needs a config descriptor');
    out.config = doc.config;
    out.layers = list(doc.layers, 'layers');
  }
  if (doc.subject !== undefined) {
    if (!isDescriptor(doc.subject)) throw new ManifestError('subject must be a descriptor');
    out.subject = doc.subject;
  }
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  if (doc.annotations && typeof doc.annotations === 'object') out.annotations = doc.annotations as Record<string, string>;
  return out;
}

/** The artifact type the referrers API reports: artifactType, else the config's media type. */
export function artifactTypeOf(m: ParsedManifest): string | undefined {
  return m.artifactType ?? (m.config && m.config.mediaType !== MT.ociEmpty ? m.config.mediaType : undefined) ?? m.config?.mediaType;
}

export function platformString(p: Platform | undefined): string {
  if (!p) return 'unknown/unknown';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Does a descriptor's platform match "os/arch[/variant]"? A requested variant must match; none means any. */
export function platformMatches(p: Platform | undefined, wanted: string): boolean {
  if (!p) return false;
  const [os, arch, variant] = wanted.split('/');
  if (p.os !== os || p.architecture !== arch) return false;
  if (variant && (p.variant ?? (arch === 'arm64' ? 'v8' : undefined)) !== variant) return false;
  return true;
}
