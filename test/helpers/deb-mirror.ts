// The Debian mirror this machine's apt already uses, read from its sources at test time (never written
// into code), and the kubespray Debian 12 package list.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { CollectContext } from '../../src/kinds/kind.js';
import { Store } from '../../src/store/store.js';
import { UpstreamHttp } from '../../src/collect/http.js';
import { download } from '../../src/collect/download.js';
import { silentLogger } from '../../src/core/log.js';

export const KUBESPRAY_DEBIAN_12 =
  'apparmor apt-transport-https bash-completion conntrack curl e2fsprogs ebtables gnupg iproute2 iptables iputils-ping ipvsadm libseccomp2 openssl python3-apt rsync socat tar unzip xfsprogs python3-minimal'.split(' ');

export function systemDebianMirror(): string {
  const dir = '/etc/apt/sources.list.d';
  const texts = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')) : [];
  for (const t of texts) {
    for (const stanza of t.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && /^Suites:.*\bbookworm\b/m.test(stanza) && !/security/.test(uri)) return uri.replace(/\/+$/, '');
    }
  }
  const list = existsSync('/etc/apt/sources.list') ? readFileSync('/etc/apt/sources.list', 'utf8') : '';
  const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(list);
  if (!m) throw new Error('no Debian bookworm mirror in this machine’s apt sources');
  return m[1]!.replace(/\/+$/, '');
}

/** A CollectContext over a store (downloads cached there), for tests that read real indexes in process. */
export async function storeContext(storeDir: string): Promise<{ ctx: CollectContext; close(): Promise<void> }> {
  const store = await Store.open(storeDir, { create: true });
  const http = new UpstreamHttp();
  const ctx: CollectContext = {
    locked: false,
    http,
    baseDir: process.cwd(),
    log: silentLogger,
    fetch: (decl) => download(store, http, decl),
    has: async (d) => (await store.blobs.stat(d)) !== undefined,
    readBlob: (d) => readFile(store.paths.blob(d)),
    putBlob: (b, d) => store.blobs.ingest([b], { digest: d }),
    putStream: (s, d) => store.blobs.ingest(s, { digest: d }),
  };
  return { ctx, close: async () => { await http.close(); store.close(); } };
}
