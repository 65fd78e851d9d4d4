// The deb kind's artifact records.
//
//   kind 'deb'        one per package: name `<repo>/<package>`, version, platform = its Architecture,
//                     origin = the upstream .deb URL, blobs [the .deb (role package)],
//                     meta { repo, component, filename (its pool path), control (the upstream stanza) }
//   kind 'deb-repo'   one per manifest entry: name `<repo>`, no blobs,
//                     meta { suite, codename, origin, label, version, description, architectures, components }
//   kind 'deb-suite'  written by publish: name `<repo>`, version `<suite>`, blobs [Release (role release),
//                     Packages and Packages.gz (role index), the previous publish's indexes (role previous,
//                     so by-hash keeps serving them to clients that fetched the old Release)],
//                     meta { release, files: {path: digest}, previous: {path: digest}, pool: {path: digest}, codename }
import type { BlobInfo } from '../../store/blob-store.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { DebPackage } from './packages.js';
import type { DebEntry } from './spec.js';
import type { SuiteRelease } from './upstream.js';

export const DEB_MEDIA_TYPE = 'application/vnd.debian.binary-package';

export interface PackageMeta {
  repo: string;
  component: string;
  filename: string;
  control: string;
}

export interface RepoMeta {
  suite: string;
  codename: string;
  origin: string;
  label: string;
  version: string;
  description: string;
  architectures: string[];
  components: string[];
}

export interface SuiteMeta {
  release: string;
  codename: string;
  files: Record<string, { digest: string; size: number }>;
  previous: Record<string, { digest: string; size: number }>;
  pool: Record<string, string>;
}

export function packageRecord(repo: string, p: DebPackage, blob: BlobInfo, control: string, base: string): NewArtifact {
  const meta: PackageMeta = { repo, component: p.component, filename: p.filename, control };
  return {
    kind: 'deb',
    name: `${repo}/${p.name}`,
    version: p.version,
    platform: p.arch,
    origin: `${base}/${p.filename}`,
    blobs: [{ digest: blob.digest, size: blob.size, role: 'package', mediaType: DEB_MEDIA_TYPE }],
    meta: { ...meta },
  };
}

export function repoRecord(repo: string, entry: DebEntry, releases: SuiteRelease[]): NewArtifact {
  const first = releases[0]!;
  const f = (k: string) => first.release.fields.get(k) ?? '';
  const meta: RepoMeta = {
    suite: first.suite,
    codename: f('codename') || first.suite,
    origin: f('origin'),
    label: f('label'),
    version: f('version'),
    description: f('description'),
    architectures: entry.arch,
    components: entry.upstream.components,
  };
  return { kind: 'deb-repo', name: repo, origin: entry.upstream.url, blobs: [], meta: { ...meta } };
}
