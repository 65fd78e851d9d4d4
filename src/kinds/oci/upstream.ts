// A client for one upstream registry's Distribution API: anonymous, Basic, and Bearer token auth (the
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…` flow), Docker Hub's API host, manifest content
// negotiation. Conversations go through the engine's UpstreamHttp; blob bytes are declared to the
// engine with the auth header this client provides (and refreshes when a token expires).
import { AirlockError } from '../../core/errors.js';
import type { UpstreamHttp } from '../../collect/http.js';
import type { Credentials } from '../../http/auth.js';
import { digestOf, isDigest } from '../../core/digest.js';
import { ACCEPT_MANIFESTS, isSchema1, MANIFEST_TYPES } from './media.js';
import { DOCKER_HUB, DOCKER_HUB_API, isLoopbackRegistry } from './names.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse a WWW-Authenticate header with one challenge: `Bearer realm="…",service="…"`. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme: m[1]!.toLowerCase(), params };
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export class RegistryClient {
  readonly base: string;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, { header: string; until: number }>();

  constructor(
    private readonly http: UpstreamHttp,
    readonly registry: string,
    opts: { insecure?: boolean; credentials?: Credentials } = {},
  ) {
    const host = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
    // Loopback registries speak plain HTTP unless the manifest says `insecure: false` (as docker treats localhost).
    this.base = `${(opts.insecure ?? isLoopbackRegistry(registry)) ? 'http' : 'https'}://${host}`;
    this.credentials = opts.credentials;
  }
  private readonly credentials: Credentials | undefined;

  blobUrl(repo: string, digest: string): string {
    return `${this.base}/v2/${repo}/blobs/${digest}`;
  }

  /** The Authorization header for pulling from `repo` (undefined when anonymous access works). */
  async authHeader(repo: string, refresh = false): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.credentials ? basic(this.credentials) : undefined;
    if (c.scheme !== 'bearer' || !c.params.realm) return undefined;
    const scope = `repository:${repo}:pull`;
    const cached = this.tokens.get(scope);
    if (cached && !refresh && cached.until > Date.now()) return cached.header;
    const url = new URL(c.params.realm);
    if (c.params.service) url.searchParams.set('service', c.params.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (this.credentials) headers.authorization = basic(this.credentials);
    const res = await this.http.send(url.toString(), { headers });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new AirlockError('FETCH_FAILED', `${this.registry}: token endpoint ${url.origin}${url.pathname} answered HTTP ${res.statusCode}`, {
        hint: res.statusCode === 401 ? `check the credentials for ${this.registry} (docker config.json or AIRLOCK_CREDS_…)` : 'rerun later',
        data: { status: res.statusCode },
      });
    }
    const doc = JSON.parse(text) as { token?: string; access_token?: string; expires_in?: number };
    const token = doc.token ?? doc.access_token;
    if (!token) throw new AirlockError('FETCH_FAILED', `${this.registry}: token endpoint returned no token`);
    const header = `Bearer ${token}`;
    // Refresh a little early; registries default to 60 s.
    this.tokens.set(scope, { header, until: Date.now() + Math.max(10, (doc.expires_in ?? 60) - 10) * 1000 });
    return header;
  }

  /** A GET/HEAD that answers a 401 challenge once (token or Basic), then returns the response. */
  async request(url: string, repo: string, init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {}) {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...init.headers };
      const auth = await this.authHeader(repo, attempt > 0);
      if (auth) headers.authorization = auth;
      const res = await this.http.send(url, { method: init.method, headers });
      if (res.statusCode === 401 && attempt === 0) {
        const challenge = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
        await res.body.dump();
        if (!challenge) throw unauthorized(this.registry, url);
        if (challenge.scheme === 'basic' && !this.credentials) throw unauthorized(this.registry, url);
        this.challenge = challenge;
        continue;
      }
      if (res.statusCode === 401) {
        await res.body.dump();
        throw unauthorized(this.registry, url);
      }
      return res;
    }
  }

  async getManifest(repo: string, reference: string): Promise<FetchedManifest> {
    const url = `${this.base}/v2/${repo}/manifests/${reference}`;
    const res = await this.request(url, repo, { headers: { accept: ACCEPT_MANIFESTS } });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new AirlockError('FETCH_FAILED', `${this.registry}/${repo}:${reference}: HTTP ${res.statusCode}`, {
        hint: res.statusCode === 404 ? 'check the image name and tag in the manifest' : res.statusCode === 403 ? 'check the credentials' : 'rerun later',
        data: { url, status: res.statusCode },
      });
    }
    const bytes = Buffer.from(await res.body.arrayBuffer());
    if (bytes.length > 4 * 1024 * 1024) throw new AirlockError('TOO_LARGE', `${url}: manifest larger than 4 MiB`);
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (isSchema1(mediaType)) {
      throw new AirlockError('UNSUPPORTED', `${this.registry}/${repo}:${reference} is a Docker schema 1 manifest, which airlock does not carry`, {
        hint: 'schema 1 is deprecated; use a newer tag or re-push the image with a current client',
      });
    }
    const digest = isDigest(reference) ? reference : String(res.headers['docker-content-digest'] ?? '') || digestOf(bytes);
    return { bytes, mediaType: MANIFEST_TYPES.includes(mediaType) ? mediaType : '', digest };
  }

  /** Tags of a repository ([] when the registry will not list them). */
  async tags(repo: string): Promise<string[]> {
    const res = await this.request(`${this.base}/v2/${repo}/tags/list`, repo);
    if (res.statusCode !== 200) {
      await res.body.dump();
      return [];
    }
    return ((await res.body.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** The referrers index of a digest, or undefined when the registry has no referrers API. */
  async referrers(repo: string, digest: string): Promise<{ digest: string; mediaType: string; size: number; artifactType?: string }[] | undefined> {
    const res = await this.request(`${this.base}/v2/${repo}/referrers/${digest}`, repo, { headers: { accept: 'application/vnd.oci.image.index.v1+json' } });
    if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').includes('image.index')) {
      await res.body.dump();
      return undefined;
    }
    return ((await res.body.json()) as { manifests?: { digest: string; mediaType: string; size: number }[] }).manifests ?? [];
  }
}

function basic(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.user}:${c.password}`).toString('base64');
}

function unauthorized(registry: string, url: string): AirlockError {
  return new AirlockError('FETCH_FAILED', `${url}: HTTP 401 unauthorized`, {
    hint: `give credentials for ${registry}: a docker config.json / containers auth.json entry, or AIRLOCK_CREDS_${registry.toUpperCase().replace(/[^A-Z0-9]/g, '_')}=user:password`,
    data: { url, status: 401 },
  });
}
