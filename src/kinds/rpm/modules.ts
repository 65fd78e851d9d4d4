// Module metadata (modules.yaml, repomd type "modules"). dnf hides a modular package unless its stream
// is enabled or is the module's default, so the resolver must see the same packages dnf will, and the
// published repo must carry the module documents of the packages it serves.
import { parseAllDocuments, stringify } from 'yaml';
import { nevra, type RpmPackage } from './primary.js';

export interface ModuleStream {
  /** `name:stream` */
  id: string;
  /** The document as published (YAML text, `---` … `...`). */
  text: string;
  artifacts: Set<string>;
}

export interface ModuleIndex {
  streams: ModuleStream[];
  /** module name → default stream */
  defaults: Map<string, { stream: string; text: string }>;
}

export function emptyModules(): ModuleIndex {
  return { streams: [], defaults: new Map() };
}

export function parseModules(yamlText: string, into: ModuleIndex = emptyModules()): ModuleIndex {
  for (const doc of parseAllDocuments(yamlText)) {
    const value = doc.toJS() as { document?: string; data?: Record<string, unknown> } | null;
    if (!value?.data) continue;
    const text = `---\n${stringify(value)}...\n`;
    const data = value.data;
    if (value.document === 'modulemd') {
      const rpms = ((data.artifacts as { rpms?: string[] } | undefined)?.rpms ?? []).map(normalNevra);
      into.streams.push({ id: `${String(data.name)}:${String(data.stream)}`, text, artifacts: new Set(rpms) });
    } else if (value.document === 'modulemd-defaults' && data.stream !== undefined) {
      into.defaults.set(String(data.module), { stream: String(data.stream), text });
    }
  }
  return into;
}

/** Artifacts are written `name-epoch:version-release.arch`; an absent epoch means 0. */
function normalNevra(s: string): string {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(s);
  return m ? `${m[1]}-${m[2] ?? '0'}:${m[3]}-${m[4]}.${m[5]}` : s;
}

/** The streams a package belongs to. */
export function streamsOf(index: ModuleIndex, pkg: RpmPackage): ModuleStream[] {
  const id = nevra(pkg);
  return index.streams.filter((s) => s.artifacts.has(id));
}

/**
 * Packages dnf would offer: modular ones of default or enabled streams, and non-modular ones unless an
 * active stream ships a package of the same name (dnf's modular filtering hides those).
 */
export function visible(index: ModuleIndex, enabled: readonly string[]): (pkg: RpmPackage) => boolean {
  const active = new Set(enabled);
  for (const [name, d] of index.defaults) if (![...active].some((e) => e.startsWith(`${name}:`))) active.add(`${name}:${d.stream}`);
  const shadowed = new Set(index.streams.filter((s) => active.has(s.id)).flatMap((s) => [...s.artifacts].map(nameOfNevra)));
  return (pkg) => {
    const streams = streamsOf(index, pkg);
    return streams.length === 0 ? !shadowed.has(pkg.name) : streams.some((s) => active.has(s.id));
  };
}

const nameOfNevra = (nevra: string) => nevra.replace(/-\d+:[^-]+-[^-]+$/, '');

/** The module documents to publish with a package: its streams and their modules' defaults. */
export function documentsFor(index: ModuleIndex, pkg: RpmPackage): string[] {
  const streams = streamsOf(index, pkg);
  const defaults = streams.flatMap((s) => index.defaults.get(s.id.slice(0, s.id.indexOf(':')))?.text ?? []);
  return [...streams.map((s) => s.text), ...defaults];
}
