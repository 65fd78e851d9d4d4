// Node configuration from site.yaml (and, when given, the registries the store holds images of): what
// every node and kubespray need to use the admin server. Pure rendering plus one atomic writer.
import { join, resolve, sep } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Site } from '../config/site.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { renderChrony } from './chrony.js';
import { renderApt, type AptRepo } from './apt.js';
import { renderGo } from './go.js';
import { KUBESPRAY_REGISTRIES, renderContainerd } from './containerd.js';
import { renderContainers } from './containers.js';
import { renderHelm } from './helm.js';
import { nodeEndpoints, type NodeEndpoints } from './endpoints.js';
import { renderKubespray } from './kubespray.js';
import { renderPip } from './pip.js';
import { renderResolver } from './resolver.js';
import { renderTrust } from './trust.js';
import { renderYum, type YumOptions } from './yum.js';
import { AirlockError } from '../core/errors.js';
import type { RenderedFile } from './rendered.js';
import { loadPreset, presetVersions, type PresetData } from '../kubespray/preset.js';

export type { RenderedFile } from './rendered.js';

export interface NodeConfig {
  endpoints: NodeEndpoints;
  files: RenderedFile[];
  /** What could not be expressed (a DNS port resolv.conf cannot name…), one line each. */
  notes: string[];
}

export interface NodeConfigOptions {
  /** Upstream registries to give their own containerd mirror directory (those the store holds images of). */
  registries?: string[];
  /** The site CA certificate (PEM) nodes must trust; required when site.yaml has http.tls. */
  caPem?: string;
  /** The kubespray release offline.yml is for (its download and image variables); default the newest preset. */
  kubespray?: PresetData;
  /** APT repositories the store publishes, and the site repository key (armored) that signs them. */
  apt?: { repos: AptRepo[]; keyArmored?: string };
  /** YUM repositories the store serves (rpms: entries), their vendor keys, and the site repository key. */
  yum?: YumOptions;
}

export function renderNodeConfig(site: Site, opts: NodeConfigOptions = {}): NodeConfig {
  const endpoints = nodeEndpoints(site);
  if (endpoints.tls && opts.caPem === undefined) {
    throw new AirlockError('CONFIG_INVALID', 'site.yaml has http.tls but no http.tls.ca: nodes need the site CA to trust the admin server', { hint: 'add ca: <the ca.crt `airlock tls` wrote> under http.tls' });
  }
  const registries = opts.registries ?? [];
  const notes: string[] = [];
  const files = [
    ...renderTrust(endpoints, opts.caPem),
    ...renderContainerd(endpoints, registries),
    // Unlike containerd these clients have no catch-all mirror: kubespray's default registries are listed too.
    ...renderContainers(endpoints, [...KUBESPRAY_REGISTRIES, ...registries], opts.caPem),
    ...renderChrony(endpoints),
    ...renderApt(endpoints, opts.apt?.repos ?? [], opts.apt?.keyArmored),
    ...renderGo(endpoints),
    ...renderPip(endpoints),
    ...renderResolver(endpoints, notes),
    ...renderYum(endpoints, opts.yum),
    ...renderHelm(endpoints),
    ...renderKubespray(endpoints, registries, notes, opts.kubespray ?? loadPreset(presetVersions()[0]!), opts.yum?.repos ?? []),
  ];
  return { endpoints, files, notes };
}

/** Write each file under `outDir` atomically; a rerun replaces them. Paths are ours, but checked anyway. */
export async function writeNodeConfig(outDir: string, files: RenderedFile[]): Promise<string[]> {
  const root = resolve(outDir);
  const written: string[] = [];
  for (const f of files) {
    const target = resolve(root, f.path);
    if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${f.path}`);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFileAtomic(target, f.content);
    written.push(target);
  }
  return written;
}
