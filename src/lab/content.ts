// What of the store the lab's nodes check: files, container images, one APT package, Go module, chart
// and wheel, read once before the network is built (the APT key after serve made it).
import type { AptRepo } from '../nodeconfig/apt.js';
import { publishedAptRepos, siteRepoPublicKey } from '../kinds/deb/nodes.js';
import { upstreamRegistries } from '../kinds/oci/names.js';
import { metaOf } from '../kinds/oci/records.js';
import { isDigest } from '../core/digest.js';
import type { ArtifactRecord } from '../store/artifact.js';
import { Store } from '../store/store.js';

export interface StoreContent {
  root: string;
  files: { name: string; digest?: string }[];
  images: { ref: string; digest: string }[];
  registries: string[];
  /** One Go module version and one chart the nodes fetch, when the store has any. */
  goModule?: { path: string; version: string };
  chart?: { name: string; version: string };
  /** A pure-Python wheel (any interpreter can download it) for the pip check. */
  wheel?: { name: string; version: string };
}

export async function storeContent(storeDir: string): Promise<StoreContent> {
  const store = await Store.open(storeDir);
  try {
    const images = store
      .find({ kind: 'oci' })
      .filter((e) => isContainerImage(e.record))
      .map((e) => ({ name: e.record.name, version: e.record.version ?? '', digest: metaOf(e.record).digest }));
    return {
      root: store.paths.root,
      files: store.find({ kind: 'file' }).map((e) => ({ name: e.record.name, digest: e.record.blobs.find((b) => b.role === 'content')?.digest })),
      images: images.map((i) => ({ ref: `${i.name}${isDigest(i.version) ? '@' : ':'}${i.version}`, digest: i.digest })),
      registries: upstreamRegistries(images.map((i) => i.name)),
      goModule: store.find({ kind: 'gomod' }).filter((e) => e.record.platform === '').map((e) => ({ path: e.record.name, version: e.record.version }))[0],
      chart: store.find({ kind: 'helm' }).map((e) => ({ name: e.record.name, version: e.record.version }))[0],
      wheel: store.find({ kind: 'pypi' }).filter((e) => e.record.platform.endsWith('-none-any.whl') && !e.record.meta.yanked).map((e) => ({ name: e.record.name, version: e.record.version }))[0],
    };
  } finally {
    store.close();
  }
}

export interface AptContent {
  repos: AptRepo[];
  keyArmored?: string;
  /** One package the node downloads through apt, when the store has APT repositories. */
  package?: string;
}

export async function aptContent(storeDir: string): Promise<AptContent> {
  const store = await Store.open(storeDir);
  try {
    const repos = publishedAptRepos(store);
    const pkg = store.find({ kind: 'deb' }).map((e) => e.record.name.split('/').pop()!).sort()[0];
    return { repos, keyArmored: await siteRepoPublicKey(store), ...(repos.length && pkg ? { package: pkg } : {}) };
  } finally {
    store.close();
  }
}

/** Upstream names as a pod spec writes them (through the mirrors); names pushed to airlock under its own host. */
export function pullRef(ref: string, registry: string): string {
  // The name is what comes before the tag or digest of the last path segment (a registry may have a port).
  return upstreamRegistries([ref.replace(/[:@][^/]*$/, '')]).length > 0 ? ref : `${registry}/${ref}`;
}

const IMAGE_CONFIGS = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/**
 * What containerd can pull and unpack: an image config and tar layers. Charts pushed over OCI, signatures
 * and attestations are OCI artifacts too, but no node runs them (the chart has its own helm check).
 */
function isContainerImage(record: ArtifactRecord): boolean {
  if (metaOf(record).subject) return false;
  const configs = record.blobs.filter((b) => b.role === 'config');
  const layers = record.blobs.filter((b) => b.role === 'layer');
  return configs.some((c) => IMAGE_CONFIGS.has(c.mediaType ?? '')) && layers.every((l) => /tar/.test(l.mediaType ?? ''));
}
