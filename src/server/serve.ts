// The composition root of `airlock serve`: open the store, mount every kind's routes on one HTTP
// listener, and stop gracefully.
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { AirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createApp } from '../http/app.js';
import { listen } from '../http/node-adapter.js';
import { HtpasswdAuth } from '../http/auth.js';
import { KINDS } from '../kinds/registry.js';
import type { Site } from '../config/site.js';
import { DEFAULT_SEND_POOL } from '../http/send-pool.js';
import type { HttpLimits } from '../http/limits.js';
import type { NetworkServices } from '../netsvc/index.js';
import { startNetworkServicesThread } from '../netsvc/thread.js';
import { ServiceCounters } from '../netsvc/counters.js';
import { Store, type StoreView } from '../store/store.js';
import { CachingBlobReader } from '../http/blob-cache.js';
import { loadOrCreateRepoKey } from '../reposign/signer.js';
import { repoKeyRoutes } from '../reposign/routes.js';
import { uiRoutes } from '../ui/routes.js';

export interface ServeOptions {
  storeDir: string;
  host: string;
  port: number;
  log: Logger;
  /** Apache htpasswd file (bcrypt entries): users who may push (and pull when anonymous pull is off). */
  htpasswd?: string;
  /** Anonymous reads; default true. */
  anonymousPull?: boolean;
  /** Let authenticated clients delete content; default false. */
  allowDelete?: boolean;
  /** site.yaml: DNS and NTP start next to HTTP when it enables them. */
  site?: Site;
  /** One log line per HTTP request; default true. */
  accessLog?: boolean;
  /** PEM certificate and key: HTTPS instead of HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The site CA (PEM, site.yaml http.tls.ca): the dashboard's node configuration tells nodes to trust it. */
  caPem?: string;
  /** The OS-repository signing key (armored OpenPGP); default keys/repo-signing.asc in the store, made when missing. */
  repoKey?: string;
}

export interface RunningServer {
  url: string;
  /**
   * Take new credentials and a new certificate without dropping a connection (what SIGHUP does).
   * Everything is read and checked before anything changes; on an error the old ones stay.
   */
  reload(next: { htpasswd?: string; tls?: { cert: string | Buffer; key: string | Buffer }; site?: Site }): Promise<{ restart: string[] }>;
  /** Bound addresses of the network services site.yaml enabled (port 0 resolved). */
  network: NetworkServices['addresses'];
  store: Store;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const store = await Store.open(opts.storeDir);
  const auth = opts.htpasswd ? HtpasswdAuth.fromFile(opts.htpasswd) : undefined;
  // Routes read through a cache of small blobs and sizes; writes go to the store itself.
  const cache = new CachingBlobReader(store.blobs);
  store.blobs.onDelete((digest) => cache.forget(digest));
  const repoKeyFile = opts.repoKey ?? store.paths.repoSigningKey;
  const { signer, created } = await loadOrCreateRepoKey(repoKeyFile);
  const view: StoreView = { paths: store.paths, blobs: cache, find: (q) => store.find(q), usersOf: (d) => store.usersOf(d) };
  const routes = KINDS.flatMap(
    (kind) =>
      kind.routes?.({
        store: view,
        log: opts.log.child({ kind: kind.name }),
        writable: store,
        auth,
        anonymousPull: opts.anonymousPull ?? true,
        allowDelete: opts.allowDelete ?? false,
        signer,
      }) ?? [],
  );
  routes.push(...repoKeyRoutes(signer));
  // The dashboard reads what the listeners bound and what /metrics counts once they exist (at request time).
  routes.push(...uiRoutes({ store: view, auth, anonymousPull: opts.anonymousPull ?? true, site: opts.site, caPem: opts.caPem, repoKeyArmored: signer.publicKeyArmored, metrics: () => app.metrics.render(), bound: () => ({ url: http.url, ...network?.addresses }) }));
  const app = createApp({ routes, log: opts.log });
  const http = await listen(app, { host: opts.host, port: opts.port, log: opts.log, accessLog: opts.accessLog ?? true, tls: opts.tls, limits: httpLimitsOf(opts.site) });
  if (created) opts.log.info({ file: repoKeyFile, fingerprint: signer.fingerprint }, 'made the site repository signing key');
  if (http.limits.fileLimited) {
    opts.log.warn({ maxConnections: http.limits.maxConnections }, 'the open-file limit caps HTTP connections below http.limits.max-connections; raise it (LimitNOFILE=, docs/operations.md)');
  }
  let network: NetworkServices | undefined;
  try {
    if (opts.site) {
      const counters = new ServiceCounters();
      network = await startNetworkServicesThread(opts.site, { logger: opts.log, logLevel: opts.log.level, counters });
      app.metrics.addSource(() => counters.render());
    }
  } catch (err) {
    await http.close();
    store.close();
    throw err;
  }
  const { maxConnections, maxConnectionsPerClient } = http.limits;
  opts.log.info({ url: http.url, store: store.paths.root, ...network?.addresses, maxConnections, maxConnectionsPerClient }, 'serving');
  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    reload: async (next) => {
      if ((next.tls && !opts.tls) || (next.htpasswd && !auth)) {
        throw new AirlockError('USAGE', 'a reload renews credentials and certificates; it cannot turn them on', { hint: 'restart airlock serve with the new options' });
      }
      // Check everything first (both throw on a bad file), then switch.
      if (next.tls) createSecureContext(next.tls);
      const users = next.htpasswd ? HtpasswdAuth.fromFile(next.htpasswd) : undefined;
      if (users) auth!.replaceUsers(users);
      if (next.tls) (http.server as HttpsServer).setSecureContext(next.tls);
      const restart = next.site && network ? await network.reload(next.site) : [];
      if (next.site && JSON.stringify(httpLimitsOf(next.site)) !== JSON.stringify(httpLimitsOf(opts.site))) restart.push('http.limits');
      opts.log.info({ htpasswd: !!users, tls: !!next.tls, site: !!next.site, restart }, 'reloaded');
      return { restart };
    },
    network: network?.addresses ?? {},
    store,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([http.close(), network?.close()]);
        store.close();
        opts.log.info('stopped');
        opts.log.flush();
      })()),
  };
}

/** site.yaml `http.limits` (seconds, MiB) as the listener's HttpLimits (ms, bytes); unset keys keep their defaults. */
export function httpLimitsOf(site: Site | undefined): Partial<HttpLimits> {
  const l = site?.http?.limits;
  if (!l) return {};
  const ms = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1000));
  const limits: Partial<HttpLimits> = {
    maxConnections: l['max-connections'],
    maxConnectionsPerClient: l['max-connections-per-client'],
    headersTimeoutMs: ms(l['headers-timeout']),
    idleTimeoutMs: ms(l['idle-timeout']),
    stallTimeoutMs: ms(l['stall-timeout']),
    sendBuffers: l['send-buffers-mib'] === undefined ? undefined : { ...DEFAULT_SEND_POOL, maxBytes: l['send-buffers-mib'] * 2 ** 20 },
  };
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}
