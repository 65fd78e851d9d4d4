// Image references and repository names. Pure.
//
// Upstream references are parsed the way docker does: `nginx` → docker.io/library/nginx:latest,
// `quay.io/calico/node@sha256:…` keeps its digest. Records keep the upstream registry in the name
// (`registry.k8s.io/pause`), so two upstreams never collide. A registry with a port (`127.0.0.1:5000`)
// is not a valid path component in the Distribution API, so it is served as `127.0.0.1_5000/…`.
import { isDigest } from '../../core/digest.js';

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

export interface ImageRef {
  /** Registry host as written (docker.io for Docker Hub). */
  registry: string;
  /** Repository path in that registry: `library/nginx`, `pause`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;

export function isValidRepoName(name: string): boolean {
  return name.length <= 255 && NAME_RE.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

export function parseImageRef(text: string): ImageRef {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw new Error(`${JSON.stringify(text)}: the digest after @ must be sha256:<64 hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw new Error(`${JSON.stringify(text)}: invalid tag ${JSON.stringify(tag)}`);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let registry: string;
  let repository: string;
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    repository = rest.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    repository = rest;
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!isValidRepoName(repository)) throw new Error(`${JSON.stringify(text)}: invalid repository name ${JSON.stringify(repository)}`);
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, tag, digest };
}

/** The record name of an upstream image: registry host plus repository. */
export function recordName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatRef(ref: ImageRef): string {
  return `${recordName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

const REGISTRY_HOST_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

/** The upstream registries among record names (`registry.k8s.io/pause` → `registry.k8s.io`); pushed names without one are skipped. */
export function upstreamRegistries(names: string[]): string[] {
  const hosts = names
    .map((n) => n.slice(0, Math.max(0, n.indexOf('/'))))
    .filter((h) => (h.includes('.') || h.includes(':') || h === 'localhost') && REGISTRY_HOST_RE.test(h));
  return [...new Set(hosts)].sort();
}

/** Where a record name is served: a `host:port` first component becomes `host_port`. */
export function servedRepo(name: string): string {
  const slash = name.indexOf('/');
  if (slash < 0) return name;
  return `${servedRegistry(name.slice(0, slash))}${name.slice(slash)}`;
}

/** The path component an upstream registry is served under: `127.0.0.1:5000` → `127.0.0.1_5000`. */
export function servedRegistry(host: string): string {
  return host.replace(/:/g, '_');
}

/** Stands for the serving registry's address in a pull reference when it is not known. */
export const REGISTRY_PLACEHOLDER = '<registry-host>';

/**
 * The reference a client pulls a stored image by (the one function `store ls`, the demo and the docs'
 * examples rely on): the serving registry, the record name as served (`127.0.0.1:5055/team/hello` →
 * `127.0.0.1_5055/team/hello`, since `host:port/…` after the registry is not a valid reference), then
 * `:tag` or `@digest`. `registry` is where nodes reach `airlock serve` (`registry.airgap.internal`,
 * `127.0.0.1:8080`); without it, a placeholder.
 */
export function pullReference(name: string, version: string, registry: string = REGISTRY_PLACEHOLDER): string {
  return `${registry}/${servedRepo(name)}${isDigest(version) ? '@' : ':'}${version}`;
}

/** True for references a tag list should show (not digests, not referrer fallback tags we made up). */
export function isTagVersion(version: string): boolean {
  return !isDigest(version);
}

/** Loopback registries are spoken to over plain HTTP (tests, local mirrors). */
export function isLoopbackRegistry(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
