// The demo's stand-in for a signed YUM repository: the files scripts/demo-yum.sh made once with rpmbuild,
// rpmsign and createrepo_c (data/demo-yum: two noarch packages, repodata, repomd.xml.asc and the public
// key), served as they are on loopback. The demo collects it with the repository signature and every
// RPM's header signature checked, exactly as it would a real repository.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, normalize } from 'node:path';

export const SAMPLE_YUM_DIR = fileURLToPath(new URL('../../data/demo-yum/', import.meta.url));
export const SAMPLE_YUM_KEY = join(SAMPLE_YUM_DIR, 'RPM-GPG-KEY-airlock-demo');

export async function startSampleYum(): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(join(SAMPLE_YUM_DIR, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    if (!path.startsWith(SAMPLE_YUM_DIR)) return void res.writeHead(400).end();
    readFile(path).then(
      (body) => res.writeHead(200, { 'content-length': body.length }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
