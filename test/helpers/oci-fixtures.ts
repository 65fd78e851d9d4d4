// OCI image fixtures made offline: layer tars from files written by the test (tar --sort=name
// --mtime=@0 --owner=0 --group=0 --numeric-owner, gzip -n), a config with rootfs.diff_ids, a manifest,
// an index for multi-arch, and the layout files (oci-layout, index.json with ref.name annotations).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

export function putBlob(layout: string, bytes: Buffer): string {
  const digest = sha(bytes);
  const dir = join(layout, 'blobs', 'sha256');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, digest.slice(7)), bytes);
  return digest;
}

export function readBlob(layout: string, digest: string): Buffer {
  return readFileSync(join(layout, 'blobs', 'sha256', digest.replace('sha256:', '')));
}

/** A gzip layer from files (path → content; mode 0755 for paths under bin/). */
export function makeLayer(files: Record<string, string | Buffer>): { gz: Buffer; diffId: string } {
  const root = mkdtempSync(join(tmpdir(), 'oci-layer-'));
  try {
    const tree = join(root, 'tree');
    for (const [path, content] of Object.entries(files)) {
      const full = join(tree, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      if (path.startsWith('bin/')) chmodSync(full, 0o755);
    }
    const tar = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', tree, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
    const gz = execFileSync('gzip', ['-n', '-c'], { input: tar, maxBuffer: 1 << 30 });
    return { gz, diffId: sha(tar) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface ImageSpec {
  files?: Record<string, string | Buffer>;
  /** Extra raw layers (already gzipped) to add, e.g. large random ones for benchmarks. */
  rawLayers?: { gz: Buffer; diffId: string }[];
  os?: string;
  arch?: string;
  variant?: string;
  cmd?: string[];
  docker?: boolean;
}

/** Write an image's blobs into `layout`; returns the manifest descriptor (with platform). */
export function buildImage(layout: string, spec: ImageSpec = {}): Desc {
  const layers = [...(spec.files ? [makeLayer(spec.files)] : []), ...(spec.rawLayers ?? [])];
  const os = spec.os ?? 'linux';
  const architecture = spec.arch ?? 'amd64';
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(spec.variant ? { variant: spec.variant } : {}),
      config: { Cmd: spec.cmd ?? ['/bin/sh'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const dockerish = !!spec.docker;
  const configDesc = { mediaType: dockerish ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: putBlob(layout, config), size: config.length };
  const layerDescs = layers.map((l) => ({
    mediaType: dockerish ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: putBlob(layout, l.gz),
    size: l.gz.length,
  }));
  const mediaType = dockerish ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config: configDesc, layers: layerDescs }, null, 3));
  return { mediaType, digest: putBlob(layout, manifest), size: manifest.length, platform: { os, architecture, ...(spec.variant ? { variant: spec.variant } : {}) } };
}

export function buildIndex(layout: string, children: Desc[], opts: { docker?: boolean } = {}): Desc {
  const mediaType = opts.docker ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json';
  // Unusual spacing on purpose: the registry must keep these bytes exactly.
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: children }, null, 1) + '\n');
  return { mediaType, digest: putBlob(layout, bytes), size: bytes.length };
}

/** A signature-like artifact whose subject is `subject` (OCI 1.1 referrer). */
export function buildReferrer(layout: string, subject: Desc, artifactType = 'application/vnd.example.signature.v1'): Desc {
  const payload = Buffer.from(`signed ${subject.digest}`);
  const empty = Buffer.from('{}');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: putBlob(layout, empty), size: 2 },
      layers: [{ mediaType: 'application/octet-stream', digest: putBlob(layout, payload), size: payload.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { 'org.example.kind': 'test-signature' },
    }),
  );
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: putBlob(layout, manifest), size: manifest.length, artifactType };
}

/** Write oci-layout and index.json naming each descriptor with org.opencontainers.image.ref.name. */
export function writeLayout(layout: string, tags: Record<string, Desc>): void {
  mkdirSync(layout, { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const manifests = Object.entries(tags).map(([tag, d]) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    annotations: { 'org.opencontainers.image.ref.name': tag },
  }));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** A runnable image: busybox-static as /bin/busybox and /bin/sh, nothing else. */
export function buildBusyboxImage(layout: string): Desc {
  const busybox = readFileSync('/bin/busybox');
  return buildImage(layout, { files: { 'bin/busybox': busybox, 'bin/sh': busybox, 'bin/echo': busybox }, cmd: ['/bin/sh'] });
}

/** Single-arch and multi-arch (amd64 + arm64 + arm/v7) sample images in one layout. */
export function buildSampleLayout(layout: string): { single: Desc; multi: Desc; children: Desc[] } {
  const single = buildImage(layout, { files: { 'etc/hello': 'hello from airlock\n' } });
  const children = [
    buildImage(layout, { files: { 'etc/arch': 'amd64\n' }, arch: 'amd64' }),
    buildImage(layout, { files: { 'etc/arch': 'arm64\n' }, arch: 'arm64', variant: 'v8' }),
    buildImage(layout, { files: { 'etc/arch': 'armv7\n' }, arch: 'arm', variant: 'v7' }),
  ];
  const multi = buildIndex(layout, children);
  writeLayout(layout, { '1.0': single, multi: multi });
  return { single, multi, children };
}

/** Push an image (or index, children first) from a layout to a registry over HTTP, monolithic uploads. */
export async function pushFromLayout(base: string, repo: string, ref: string, layout: string, desc: Desc, auth?: string): Promise<void> {
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  const manifest = readBlob(layout, desc.digest);
  const doc = JSON.parse(manifest.toString()) as { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
  for (const child of doc.manifests ?? []) await pushFromLayout(base, repo, child.digest, layout, child, auth);
  for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
    const r = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, { method: 'POST', headers, body: readBlob(layout, blob.digest) });
    if (r.status !== 201) throw new Error(`blob upload ${blob.digest}: HTTP ${r.status} ${await r.text()}`);
  }
  const r = await fetch(`${base}/v2/${repo}/manifests/${ref}`, { method: 'PUT', headers: { ...headers, 'content-type': desc.mediaType }, body: manifest });
  if (r.status !== 201) throw new Error(`manifest ${ref}: HTTP ${r.status} ${await r.text()}`);
}
