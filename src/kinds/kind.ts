// The contract every content kind implements. A kind declares what to fetch and what it means; the core
// downloads, verifies, stores, bundles and serves. Protocol knowledge stays inside the kind's folder.
import type { z } from 'zod';
import type { Logger } from '../core/log.js';
import type { BlobInfo } from '../store/blob-store.js';
import type { NewArtifact } from '../store/artifact.js';
import type { Store, StoreView } from '../store/store.js';
import type { Authenticator } from '../http/auth.js';
import type { Declaration } from '../collect/download.js';
import type { Route } from '../http/route.js';
import type { UpstreamHttp } from '../collect/http.js';
import type { RepoSigner } from '../reposign/signer.js';

export interface CollectContext {
  /** Download a declared blob into the store (skipped when present), verified. The engine limits concurrency. */
  fetch(decl: Declaration): Promise<BlobInfo>;
  /** Whether the store already holds a blob. */
  has(digest: string): Promise<boolean>;
  /** Under `collect --locked`: pinned lock entries must be fetched exactly as they are. */
  locked: boolean;
  /** Read a blob already in the store (small metadata: manifests, indexes). */
  readBlob(digest: string): Promise<Buffer>;
  /** Store bytes the kind produced itself (e.g. a document it fetched with `http`). */
  putBlob(bytes: Buffer, expectDigest?: string): Promise<BlobInfo>;
  /** Stream a local blob (a layer of an OCI layout on disk) into the store, verified, without buffering it. */
  putStream(source: AsyncIterable<Buffer | Uint8Array>, expectDigest?: string): Promise<BlobInfo>;
  /** For protocol conversations that are not blob downloads (token endpoints, manifest negotiation). */
  http: UpstreamHttp;
  /** Directory of the manifest, for entries that name local paths. */
  baseDir: string;
  log: Logger;
}

export interface CollectResult<Locked> {
  locked: Locked;
  artifacts: NewArtifact[];
}

export interface ServeOptions {
  /** Read-only view of the store; the only thing routes may touch. */
  store: StoreView;
  log: Logger;
  /** The writable store, for kinds that accept uploads (the OCI registry's push). Absent: read-only. */
  writable?: Store;
  /** Credential checks for writes (and for reads when anonymous access is off). Absent: no writes. */
  auth?: Authenticator;
  /** Anonymous reads (default true). */
  anonymousPull?: boolean;
  /** Whether clients may delete content (default false). */
  allowDelete?: boolean;
  /** The site's repository key: OS package kinds sign the metadata they serve with it. */
  signer?: RepoSigner;
}

export interface Kind<Entry = unknown, Locked = unknown> {
  /** Artifact kind name stored in records: "file", "oci", … */
  readonly name: string;
  /** Key in airlock.yaml and airlock.lock: "files", "images", … */
  readonly section: string;
  readonly entrySchema: z.ZodType<Entry>;
  readonly lockedSchema: z.ZodType<Locked>;
  /** Identity of an entry, equal for a manifest entry and its lock entry. */
  key(entry: Entry | Locked): string;
  /** Does the lock entry still satisfy the manifest entry? (e.g. a pinned digest that differs does not) */
  satisfies(entry: Entry, locked: Locked): boolean;
  /**
   * Fetch one entry. `pinned` is its lock entry: with --locked it must be fetched exactly; without,
   * it lets the kind skip work whose result the store already holds.
   */
  collect(entry: Entry, ctx: CollectContext, pinned?: Locked): Promise<CollectResult<Locked>>;
  routes?(opts: ServeOptions): Route[];
  /** Manifest-wide defaults for this kind's entries (`defaults: { <section>: … }` in airlock.yaml). */
  readonly defaultsSchema?: z.ZodType;
  /** Fill an entry's unset fields from the defaults; runs before the entry is keyed, locked or fetched. */
  withDefaults?(entry: Entry, defaults: unknown): Entry;
  /**
   * Rewrite the kind's derived view of the store after its artifacts changed (the OCI kind keeps the
   * store's index.json listing every image tag). Called by collect and load.
   */
  publish?(store: Store): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = Kind<any, any>;
