// A clean Debian 12 root (mmdebstrap minbase plus openssl, nothing else: no Node), made once from the
// Debian mirror this machine's apt already uses and cached as a tarball; each test gets its own copy.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';

const CACHE = '/var/cache/airlock-test/bookworm-minbase-openssl.tar';

export async function debianRoot(dir: string): Promise<string> {
  if (!existsSync(CACHE)) {
    mkdirSync('/var/cache/airlock-test', { recursive: true });
    const mirror = bookwormMirror();
    execFileSync('mmdebstrap', ['--variant=minbase', '--include=openssl', '--mode=root', 'bookworm', `${CACHE}.tmp.tar`, `deb ${mirror} bookworm main`], { stdio: 'ignore' });
    renameSync(`${CACHE}.tmp.tar`, CACHE);
  }
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', CACHE, '-C', dir]);
  mkdirSync(`${dir}/media`, { recursive: true });
  return dir;
}

/** The bookworm mirror from apt's sources (deb822 or one-line), never written into code. */
function bookwormMirror(): string {
  const d = '/etc/apt/sources.list.d';
  const texts = existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.sources')).map((f) => readFileSync(`${d}/${f}`, 'utf8')) : [];
  for (const stanza of texts.join('\n\n').split(/\n\s*\n/)) {
    const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
    if (uri && /^Suites:.*\bbookworm\b/m.test(stanza) && !uri.includes('security')) return uri.replace(/\/+$/, '');
  }
  const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(existsSync('/etc/apt/sources.list') ? readFileSync('/etc/apt/sources.list', 'utf8') : '');
  if (!m) throw new Error('no Debian bookworm mirror in this machine’s apt sources');
  return m[1]!.replace(/\/+$/, '');
}
