// `airlock push`: copy the store's images into an existing registry (Harbor, any Distribution
// registry). Blobs the target has are skipped (HEAD), blobs already pushed to another repository in
// this run are cross-mounted, the rest are streamed from the store; manifests are put byte for byte
// (children by digest, then the tag), so every digest stays the same.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { AirlockError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { digestOf, isDigest } from '../../core/digest.js';
import { Limiter } from '../../collect/limiter.js';
import { Store } from '../../store/store.js';
import type { ArtifactRecord } from '../../store/artifact.js';
import type { Credentials } from '../../http/auth.js';
import { isLoopbackRegistry, servedRepo } from './names.js';
import { metaOf } from './records.js';
import { parseChallenge, type Challenge } from './upstream.js';

export interface PushOptions {
  storeDir: string;
  /** host[:port], optionally followed by a path used as the prefix. */
  to: string;
  credentials?: Credentials;
  prefix?: string;
  flatten?: boolean;
  plainHttp?: boolean;
  concurrency?: number;
  log: Logger;
  onImage?: (r: ImageReport) => void;
}

export interface ImageReport {
  image: string;
  target: string;
  digest: string;
  blobs: { pushed: number; skipped: number; mounted: number };
  bytes: number;
}

export interface PushSummary {
  registry: string;
  images: ImageReport[];
  durationMs: number;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';

class TargetRegistry {
  readonly base: string;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, string>();
  // HTTP(S)_PROXY and NO_PROXY are honoured, as for collect.
  readonly agent = new EnvHttpProxyAgent({ connections: 16, keepAliveTimeout: 30_000, headersTimeout: 120_000, bodyTimeout: 0 });

  constructor(
    readonly host: string,
    plainHttp: boolean,
    private readonly credentials?: Credentials,
  ) {
    this.base = `${plainHttp || isLoopbackRegistry(host) ? 'http' : 'https'}://${host}`;
  }

  private async auth(scopes: string[], refresh: boolean): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.credentials ? basic(this.credentials) : undefined;
    if (c.scheme !== 'bearer' || !c.params.realm) return undefined;
    const key = scopes.join(' ');
    const cached = this.tokens.get(key);
    if (cached && !refresh) return cached;
    const url = new URL(c.params.realm);
    if (c.params.service) url.searchParams.set('service', c.params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const res = await request(url, { headers: this.credentials ? { authorization: basic(this.credentials) } : {}, dispatcher: this.agent });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new AirlockError('UNAUTHORIZED', `${this.host}: token endpoint answered HTTP ${res.statusCode}`, { hint: 'check --creds' });
    const doc = JSON.parse(text) as { token?: string; access_token?: string };
    const header = `Bearer ${doc.token ?? doc.access_token}`;
    this.tokens.set(key, header);
    return header;
  }

  /** One request; a 401 learns the challenge and retries once. `body` is a factory so a retry can resend. */
  async send(method: Method, path: string, scopes: string[], init: { headers?: Record<string, string>; body?: () => Dispatcher.DispatchOptions['body'] } = {}) {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...init.headers };
      const auth = await this.auth(scopes, attempt > 0);
      if (auth) headers.authorization = auth;
      const url = path.startsWith('http') ? path : this.base + path;
      const res = await request(url, { method, headers, body: init.body?.(), dispatcher: this.agent }).catch((err: Error) => {
        throw new AirlockError('FETCH_FAILED', `${url}: ${err.message}`, { hint: 'check --to and that the registry is reachable (--plain-http for HTTP)', cause: err });
      });
      if (res.statusCode === 401 && attempt === 0) {
        await res.body.dump();
        const c = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
        if (!c || (c.scheme === 'basic' && !this.credentials)) throw unauthorized(this.host);
        this.challenge = c;
        continue;
      }
      if (res.statusCode === 401 || res.statusCode === 403) {
        await res.body.dump();
        throw unauthorized(this.host);
      }
      return res;
    }
  }
}

function basic(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.user}:${c.password}`).toString('base64');
}

function unauthorized(host: string): AirlockError {
  return new AirlockError('UNAUTHORIZED', `${host} refused the push: unauthorized`, { hint: 'pass --creds USER:PASSWORD for an account that may push' });
}

async function expectStatus(res: Dispatcher.ResponseData, ok: number[], what: string): Promise<void> {
  if (ok.includes(res.statusCode)) return;
  const text = await res.body.text().catch(() => '');
  throw new AirlockError('FETCH_FAILED', `${what}: HTTP ${res.statusCode} ${text.slice(0, 300)}`.trim(), { data: { status: res.statusCode } });
}

export function targetName(name: string, opts: { prefix?: string; flatten?: boolean }): string {
  const served = servedRepo(name);
  const base = opts.flatten ? served.slice(served.lastIndexOf('/') + 1) : served;
  const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
  return prefix ? `${prefix}/${base}` : base;
}

export async function pushStore(opts: PushOptions): Promise<PushSummary> {
  const started = Date.now();
  const slash = opts.to.indexOf('/');
  const host = (slash < 0 ? opts.to : opts.to.slice(0, slash)).replace(/^[a-z]+:\/\//, '');
  const pathPrefix = slash < 0 ? undefined : opts.to.slice(slash + 1);
  if (opts.prefix && pathPrefix) throw new AirlockError('USAGE', 'give the path either in --to or in --prefix, not both');
  const naming = { prefix: opts.prefix ?? pathPrefix, flatten: opts.flatten };
  const store = await Store.open(opts.storeDir);
  const target = new TargetRegistry(host, !!opts.plainHttp, opts.credentials);
  const limiter = new Limiter(opts.concurrency ?? 8);
  /** Where each blob already is on the target in this run: a repository to mount it from. */
  const placed = new Map<string, string>();
  try {
    const records = store.find({ kind: 'oci' }).map((e) => e.record);
    // Tags first, then digest-only records (referrers) whose subjects are then already there.
    records.sort((a, b) => Number(isDigest(a.version)) - Number(isDigest(b.version)));
    const names = new Map<string, string>();
    for (const r of records) {
      const t = targetName(r.name, naming);
      const other = names.get(t);
      if (other && other !== r.name) throw new AirlockError('USAGE', `--flatten maps both ${other} and ${r.name} to ${t}`, { hint: 'use --prefix instead' });
      names.set(t, r.name);
    }
    const images: ImageReport[] = [];
    for (const record of records) {
      const report = await pushImage(store, target, record, targetName(record.name, naming), limiter, placed);
      images.push(report);
      opts.onImage?.(report);
      opts.log.info(report, 'pushed');
    }
    return { registry: host, images, durationMs: Date.now() - started };
  } finally {
    store.close();
    await target.agent.close();
  }
}

async function pushImage(store: Store, target: TargetRegistry, record: ArtifactRecord, repo: string, limiter: Limiter, placed: Map<string, string>): Promise<ImageReport> {
  const meta = metaOf(record);
  const report: ImageReport = { image: `${record.name}${isDigest(record.version) ? '@' : ':'}${record.version}`, target: `${target.host}/${repo}${isDigest(record.version) ? '@' : ':'}${record.version}`, digest: meta.digest, blobs: { pushed: 0, skipped: 0, mounted: 0 }, bytes: 0 };
  const pushScope = [`repository:${repo}:pull,push`];
  await Promise.all(
    record.blobs
      .filter((b) => b.role === 'config' || b.role === 'layer')
      .map((b) =>
        limiter.run(async () => {
          const head = await target.send('HEAD', `/v2/${repo}/blobs/${b.digest}`, pushScope);
          await head.body.dump();
          if (head.statusCode === 200) {
            report.blobs.skipped++;
            placed.set(b.digest, repo);
            return;
          }
          const from = placed.get(b.digest);
          const scopes = from ? [...pushScope, `repository:${from}:pull`] : pushScope;
          const q = from ? `?mount=${b.digest}&from=${encodeURIComponent(from)}` : '';
          const start = await target.send('POST', `/v2/${repo}/blobs/uploads/${q}`, scopes, { headers: { 'content-length': '0' } });
          await start.body.dump();
          if (start.statusCode === 201) {
            report.blobs.mounted++;
            placed.set(b.digest, repo);
            return;
          }
          await expectStatus(start, [202], `${target.host}: starting an upload to ${repo}`);
          const location = new URL(String(start.headers.location), target.base);
          location.searchParams.set('digest', b.digest);
          const put = await target.send('PUT', location.toString(), pushScope, {
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(b.size) },
            body: () => createReadStream(store.paths.blob(b.digest), { highWaterMark: 1 << 20 }),
          });
          await expectStatus(put, [201], `${target.host}: uploading ${b.digest} to ${repo}`);
          await put.body.dump();
          report.blobs.pushed++;
          report.bytes += b.size;
          placed.set(b.digest, repo);
        }),
      ),
  );
  // Children before the index that names them; the top manifest last, under its tag.
  const manifests = record.blobs.filter((b) => b.role === 'manifest' || b.role === 'index');
  const top = manifests.find((b) => b.digest === meta.digest)!;
  for (const m of [...manifests.filter((b) => b !== top), top]) {
    const body = await readFile(store.paths.blob(m.digest));
    const put: PutManifest = (ref) => target.send('PUT', `/v2/${repo}/manifests/${ref}`, pushScope, { headers: { 'content-type': m.mediaType ?? meta.mediaType }, body: () => body });
    const ref = m === top ? record.version : m.digest;
    const what = `${target.host}: putting manifest ${ref} in ${repo}`;
    if (isDigest(ref)) await putByDigest(put, ref, body, what);
    else if (m.digest.startsWith('sha256:')) await expectPut(put(ref), what);
    else await putTaggedDigest(put, ref, m.digest, what);
  }
  return report;
}

type PutManifest = (ref: string) => Promise<Dispatcher.ResponseData>;

async function expectPut(pending: Promise<Dispatcher.ResponseData>, what: string): Promise<void> {
  const res = await pending;
  await expectStatus(res, [200, 201], what);
  await res.body.dump();
}

/**
 * By digest, byte for byte. A target that refuses a non-sha256 manifest digest (400: distribution 2.8
 * takes sha512 blobs but not sha512 manifests) gets the same bytes under their sha256.
 */
async function putByDigest(put: PutManifest, digest: string, body: Buffer, what: string): Promise<void> {
  const res = await put(digest);
  if (res.statusCode !== 400 || digest.startsWith('sha256:')) return expectPut(Promise.resolve(res), what);
  await res.body.dump();
  await expectPut(put(digestOf(body)), what);
}

/**
 * A tagged manifest known by a non-sha256 digest: a push by tag alone would be recorded under the
 * target's sha256, so it goes by digest with `?tag=` (distribution-spec 1.1.1), and by tag when the
 * target does not confirm the tag with `OCI-Tag` — or refuses the digest (400: distribution 2.8 takes
 * sha512 blobs but not sha512 manifests), where the tag then names the same bytes by their sha256.
 */
async function putTaggedDigest(put: PutManifest, tag: string, digest: string, what: string): Promise<void> {
  const byDigest = await put(`${digest}?tag=${encodeURIComponent(tag)}`);
  if (byDigest.statusCode !== 400) await expectStatus(byDigest, [200, 201], what);
  await byDigest.body.dump();
  const confirmed = String(byDigest.headers['oci-tag'] ?? '').split(',').map((t) => t.trim());
  if (byDigest.statusCode !== 400 && confirmed.includes(tag)) return;
  await expectPut(put(tag), what);
}
