// The dashboard's pure parts: escaping, the counters read back from /metrics, the per-kind summary and
// search, without a browser.
import { describe, expect, it } from 'vitest';
import { html, escapeHtml } from '../src/ui/html.js';
import { parseCounters } from '../src/ui/counters.js';
import { Metrics } from '../src/http/metrics.js';
import { ServiceCounters } from '../src/netsvc/counters.js';
import { summarize } from '../src/ui/model.js';
import { search } from '../src/ui/search.js';
import type { CatalogEntry } from '../src/store/catalog.js';
import { paginate } from '../src/ui/views/pager.js';
import { ReceiptReader } from '../src/ui/receipts.js';
import { RECEIPT_FORMAT, writeReceipt, type Receipt } from '../src/bundle/receipt.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { addressesFor, nodeConfigFor } from '../src/ui/site-view.js';
import { loadSite } from '../src/config/site.js';

const d = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const entry = (kind: string, name: string, version: string, blobs: [number, number][], meta: Record<string, unknown> = {}): CatalogEntry => ({
  recordDigest: d(1000 + blobs[0]![0]),
  addedAt: 0,
  record: { schema: 'airlock.artifact/v1', kind, name, version, platform: '', origin: '', blobs: blobs.map(([n, size]) => ({ digest: d(n), size, role: 'layer' })), meta },
});

describe('dashboard parts', () => {
  it('escapes every interpolated value, in text and in attributes, and keeps nested fragments', () => {
    const name = `"><script>alert('x')</script>&`;
    const out = html`<a title="${name}">${name}</a>${[html`<b>${'<i>'}</b>`]}`.text;
    expect(out).toBe(`<a title="${escapeHtml(name)}">${escapeHtml(name)}</a><b>&lt;i&gt;</b>`);
    expect(out).not.toContain('<script>');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('reads back exactly the counters /metrics renders, DNS and NTP included', () => {
    const metrics = new Metrics();
    metrics.countRequest('/v2', 200);
    metrics.countRequest('/v2', 200);
    metrics.countRequest('/files', 404);
    metrics.bytesSent = 12345;
    const services = new ServiceCounters();
    services.add('dns_noerror');
    services.add('dns_nxdomain');
    services.add('dns_noerror');
    services.add('ntp_kod');
    metrics.addSource(() => services.render());
    const c = parseCounters(metrics.render());
    expect(c.http).toEqual([
      { prefix: '/files', status: '404', requests: 1 },
      { prefix: '/v2', status: '200', requests: 2 },
    ]);
    expect(c.bytesSent).toBe(12345);
    expect(c.dns).toMatchObject({ noerror: 2, nxdomain: 1, refused: 0 });
    expect(c.ntp).toEqual({ answered: 0, kod: 1, dropped: 0 });
    expect(parseCounters(new Metrics().render()).dns).toBeUndefined();
  });

  it('counts a blob two artifacts share once per kind and once in the total', () => {
    const s = summarize([entry('oci', 'a', '1', [[1, 100], [2, 1000]]), entry('oci', 'b', '1', [[3, 100], [2, 1000]]), entry('file', 'f', '', [[2, 1000]])]);
    expect(s.kinds).toEqual([
      { kind: 'file', artifacts: 1, bytes: 1000 },
      { kind: 'oci', artifacts: 2, bytes: 1200 },
    ]);
    expect(s.bytes).toBe(1200);
    expect(s.artifacts).toBe(3);
  });

  it('searches for every word in names, tags and digests, and gives images their pull reference', () => {
    const entries = [
      entry('oci', '127.0.0.1:5000/team/app', 'v2', [[7, 1]], { digest: d(7), mediaType: 'x', size: 1 }),
      entry('oci', 'registry.k8s.io/pause', '3.10', [[8, 1]], { digest: d(8), mediaType: 'x', size: 1 }),
      entry('file', 'dl.k8s.io/release/kubeadm', '', [[0xbeef09, 1]]),
    ];
    entries.push({ ...entry('deb', 'debian/curl', '7.88.1-10', [[0xdeb, 1]], { repo: 'debian', filename: 'pool/main/c/curl/curl_7.88.1-10_amd64.deb' }) });
    const at = { registry: 'reg.internal:8080', origin: 'http://files.internal:8080', filesRepo: 'http://files.internal:8080/files' };
    expect(search(entries, 'TEAM v2', at).hits.map((h) => h.use)).toEqual(['reg.internal:8080/127.0.0.1_5000/team/app:v2']);
    expect(search(entries, 'k8s.io', at).total).toBe(2);
    expect(search(entries, d(0xbeef09).slice(-8), at).hits[0]!.use).toBe('http://files.internal:8080/files/dl.k8s.io/release/kubeadm');
    expect(search(entries, 'pause nothing', at).total).toBe(0);
    expect(search(entries, 'curl 7.88', at).hits[0]!.use).toBe('http://files.internal:8080/apt/debian/pool/main/c/curl/curl_7.88.1-10_amd64.deb');
    expect(search(entries, '   ', at).total).toBe(0);
  });

  it('pages clamp to the range and ignore garbage', () => {
    const all = Array.from({ length: 25 }, (_, i) => i);
    expect(paginate(all, '3', 10)).toMatchObject({ items: [20, 21, 22, 23, 24], page: 3, pages: 3, first: 20, total: 25 });
    expect(paginate(all, '99', 10).page).toBe(3);
    expect(paginate(all, '-1', 10).page).toBe(1);
    expect(paginate(all, 'x', 10).page).toBe(1);
    expect(paginate([], null, 10)).toMatchObject({ items: [], page: 1, pages: 1 });
  });
});

describe('the receipt as the dashboard reads it', () => {
  const dir = tempDir();
  const file = join(dir, 'receipt.json');
  const receipt = (ids: string[]): Receipt => ({
    format: RECEIPT_FORMAT,
    id: 'r-' + ids.join(','),
    created: '2026-01-02T03:04:05.000Z',
    bundles: ids,
    loaded: ids.map((id, i) => ({ id, sequence: i + 1, created: '2026-01-01T00:00:00.000Z', loadedAt: `2026-01-0${i + 2}T00:00:00.000Z` })),
    artifacts: 1,
    blobs: [],
  });

  it('follows a new load, and reports a broken receipt instead of failing', async () => {
    const reader = new ReceiptReader(file);
    expect(await reader.read()).toEqual({ receiptFile: file, history: [] });
    await writeReceipt(file, receipt(['a']));
    expect((await reader.read()).history.map((b) => b.id)).toEqual(['a']);
    await writeReceipt(file, receipt(['a', 'b']));
    expect((await reader.read()).history.map((b) => b.sequence)).toEqual([1, 2]);
    writeFileSync(file, '{"format":"nope"}\n');
    const broken = await reader.read();
    expect(broken.history).toEqual([]);
    expect(broken.error).toBe('not an airlock receipt');
  });
});

describe('the node configuration the dashboard offers', () => {
  const dir = tempDir();
  const siteFile = join(dir, 'site.yaml');
  writeFileSync(siteFile, 'version: 1\ndomain: airgap.internal\nadmin: { name: admin, address: 10.0.0.5 }\nservices: [ registry, files ]\nhttp: { listen: "0.0.0.0:8080" }\n');

  it('is what nodeconfig renders for the address serve bound, APT repositories and key included', () => {
    const site = loadSite(siteFile);
    const ctx = { site, repoKeyArmored: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n', bound: () => ({ url: 'http://0.0.0.0:9090' }) };
    const r = nodeConfigFor(ctx, { registries: ['quay.io'], aptRepos: [{ name: 'debian', suite: 'bookworm', components: ['main'] }], yumRepos: [] });
    const file = (path: string) => r.config!.files.find((f) => f.path === path)?.content;
    expect(file('etc/apt/sources.list.d/airlock.sources')).toContain('URIs: http://10.0.0.5:9090/apt/debian');
    expect(file('etc/apt/keyrings/airlock-repo.asc')).toBe(ctx.repoKeyArmored);
    expect(file('etc/containerd/certs.d/quay.io/hosts.toml')).toContain('http://10.0.0.5:9090');
    expect(addressesFor({ headers: { host: 'ignored:1' } } as never, ctx)).toEqual({ registry: '10.0.0.5:9090', origin: 'http://10.0.0.5:9090', filesRepo: 'http://10.0.0.5:9090/files' });
  });

  it('without --site, says where it comes from, and addresses are the ones the browser used', () => {
    const ctx = { bound: () => ({ url: 'http://0.0.0.0:8080' }) };
    expect(nodeConfigFor(ctx, { registries: [], aptRepos: [], yumRepos: [] }).error).toContain('without --site');
    expect(addressesFor({ headers: { host: 'admin.lan:8080' } } as never, ctx)).toEqual({ registry: 'admin.lan:8080', origin: 'http://admin.lan:8080', filesRepo: 'http://admin.lan:8080/files' });
    // A Host header that is no host is not echoed into references.
    expect(addressesFor({ headers: { host: 'x"><script>' } } as never, ctx).registry).toBe('0.0.0.0:8080');
  });
});
