// A clean Debian 12 root (mmdebstrap minbase plus openssl, nothing else: no Node), made once from the
// Debian mirror this machine's apt already uses and cached as a tarball; each test gets its own copy.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { systemDebianMirror } from './deb-mirror.js';

const CACHE = '/var/cache/airlock-test/bookworm-minbase-openssl.tar';

export async function debianRoot(dir: string): Promise<string> {
  if (!existsSync(CACHE)) {
    mkdirSync('/var/cache/airlock-test', { recursive: true });
    const mirror = systemDebianMirror();
    execFileSync('mmdebstrap', ['--variant=minbase', '--include=openssl', '--mode=root', 'bookworm', `${CACHE}.tmp.tar`, `deb ${mirror} bookworm main`], { stdio: 'ignore' });
    renameSync(`${CACHE}.tmp.tar`, CACHE);
  }
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', CACHE, '-C', dir]);
  mkdirSync(`${dir}/media`, { recursive: true });
  return dir;
}
