// The addresses the dashboard prints (pull references, file URLs) and the node configuration it offers
// to copy. With site.yaml they are what `airlock nodeconfig` renders, for the addresses serve actually
// bound (a --listen or port 0 overrides site.yaml, as in the demo); without it, the host the browser
// used to reach this page.
import type { Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import { renderNodeConfig, type NodeConfig } from '../nodeconfig/index.js';
import type { YumRepo } from '../nodeconfig/yum.js';
import { nodeEndpoints } from '../nodeconfig/endpoints.js';
import type { HttpRequest } from '../http/route.js';
import type { Addresses } from './model.js';
import type { AptRepo } from '../nodeconfig/apt.js';

/** What serve bound: `http://host:port`, and the DNS/NTP listeners' `host:port`s. */
export interface Bound {
  url: string;
  dns?: string[];
  ntp?: string[];
}

export interface SiteContext {
  site?: Site;
  /** The site CA nodes must trust (site.yaml http.tls.ca); needed for node configuration over HTTPS. */
  caPem?: string;
  /** The public half of the key serve signs APT metadata with: what nodes' Signed-By names. */
  repoKeyArmored?: string;
  bound(): Bound;
}

const HOST_HEADER = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

export function addressesFor(req: HttpRequest, ctx: SiteContext): Addresses {
  const bound = ctx.bound();
  if (ctx.site) {
    const endpoints = safely(() => nodeEndpoints(siteAsBound(ctx.site!, bound)));
    if (endpoints) return { registry: endpoints.registry, origin: endpoints.filesUrl, filesRepo: `${endpoints.filesUrl}/files` };
  }
  const url = new URL(bound.url);
  const header = String(req.headers.host ?? '');
  const host = HOST_HEADER.test(header) ? header : url.host;
  return { registry: host, origin: `${url.protocol}//${host}`, filesRepo: `${url.protocol}//${host}/files` };
}

/** What `airlock nodeconfig --store` renders: `registries` the store holds images of, the APT and YUM repositories it publishes. */
export function nodeConfigFor(ctx: SiteContext, store: { registries: string[]; aptRepos: AptRepo[]; yumRepos: YumRepo[] }): { config?: NodeConfig; error?: string } {
  if (!ctx.site) return { error: 'airlock serve was started without --site: node configuration is rendered from site.yaml' };
  try {
    const apt = { repos: store.aptRepos, keyArmored: ctx.repoKeyArmored };
    const yum = { repos: store.yumRepos, keyArmored: ctx.repoKeyArmored };
    return { config: renderNodeConfig(siteAsBound(ctx.site, ctx.bound()), { registries: store.registries, apt, yum, caPem: ctx.caPem }) };
  } catch (err) {
    if (err instanceof AirlockError) return { error: `${err.message}${err.hint ? ` (${err.hint})` : ''}` };
    throw err;
  }
}

/** site.yaml with the listen addresses serve actually bound, so ports resolved from 0 are the real ones. */
export function siteAsBound(site: Site, bound: Bound): Site {
  const next: Site = { ...site, http: { ...site.http, listen: new URL(bound.url).host } };
  if (site.dns && bound.dns?.length) next.dns = { ...site.dns, listen: bound.dns };
  if (site.ntp && bound.ntp?.length) next.ntp = { ...site.ntp, listen: bound.ntp };
  return next;
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
