// airlock's own runtime as one blob, so a bundle can stand up airlock on a server with nothing installed:
// a tar.gz of `node/bin/node` (the Node that runs this airlock) and `airlock/` (package.json, bin, dist,
// data and the production node_modules, the native SQLite addon built for this machine). A runtime can
// only be taken from the machine that runs pack: another target's Node and addon are not here to take.
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import tar from 'tar-stream';
import { AirlockError } from '../../core/errors.js';
import type { Store } from '../../store/store.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export interface RuntimeBlob {
  target: string;
  node: string;
  digest: string;
  size: number;
}

/** The platform this airlock runs on, as `--target` names it: linux/amd64, linux/arm64. */
export function hostTarget(): string {
  return `${platform()}/${NODE_ARCH[arch()] ?? arch()}`;
}

export async function storeRuntime(store: Store, target: string): Promise<RuntimeBlob> {
  if (target !== hostTarget()) {
    throw new AirlockError('UNSUPPORTED', `pack --self can carry only this machine's runtime (${hostTarget()}), not ${target}`, {
      hint: `run pack --self on a ${target} bastion (a container of that platform will do), or carry Node and airlock for ${target} as files: entries (docs/operations.md)`,
    });
  }
  const pack = tar.pack();
  // pipeline, not pipe: a failed entry destroys the gzip stream too, so the ingest fails instead of waiting.
  const blob = store.blobs.ingest(pipeline(pack, createGzip({ level: 6 }), () => undefined));
  const entries = (async () => {
    await addFile(pack, process.execPath, 'node/bin/node', 0o755);
    for (const rel of runtimeFiles()) await addFile(pack, join(ROOT, rel), `airlock/${rel}`, statSync(join(ROOT, rel)).mode & 0o777);
    pack.finalize();
  })().catch((err: Error) => {
    pack.destroy(err);
    throw err;
  });
  // Both settle before either failure is reported: no rejection is left without a handler.
  const [, info] = await Promise.all([entries, blob]);
  return { target, node: process.version, digest: info.digest, size: info.size };
}

/** package.json, bin, dist, data, and node_modules minus what package-lock.json marks as dev-only. */
function runtimeFiles(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const prod = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev).map(([path]) => path);
  const files = ['package.json', ...walk('bin'), ...walk('dist'), ...walk('data')];
  for (const dir of prod) files.push(...walk(dir, (sub) => !sub.startsWith(`${dir}/node_modules/`)));
  return [...new Set(files)].sort();
}

function walk(rel: string, keep: (rel: string) => boolean = () => true): string[] {
  const abs = join(ROOT, rel);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) return [];
  if (st.isFile()) return [rel];
  if (!st.isDirectory()) return [];
  return readdirSync(abs).flatMap((name) => {
    const child = relative(ROOT, join(abs, name));
    return keep(child) ? walk(child, keep) : [];
  });
}

async function addFile(pack: tar.Pack, src: string, name: string, mode: number): Promise<void> {
  const size = statSync(src).size;
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode, mtime: new Date(0), uid: 0, gid: 0 }, (err) => (err ? reject(err) : resolve()));
    createReadStream(src).on('error', reject).pipe(entry);
  });
}

