// /ui/: what the store holds per kind, the last bundle loaded, and how busy the services are.
import { html } from '../html.js';
import type { KindSummary } from '../model.js';
import type { LoadedBundle } from '../../bundle/receipt.js';
import type { Counters } from '../counters.js';
import { count, date, empty, page, size } from './layout.js';

const KIND_VIEW: Record<string, string> = { oci: '/ui/images', file: '/ui/files' };
const KIND_LABEL: Record<string, string> = { oci: 'Images (OCI manifests)', file: 'Files', deb: 'Debian packages', 'deb-repo': 'APT repositories declared', 'deb-suite': 'APT suites published' };

export interface OverviewData {
  storeRoot: string;
  kinds: KindSummary[];
  artifacts: number;
  bytes: number;
  lastBundle?: LoadedBundle;
  counters: Counters;
}

export function overviewPage(d: OverviewData): string {
  const cards = d.kinds.map((k) => {
    const view = KIND_VIEW[k.kind];
    const label = KIND_LABEL[k.kind] ?? k.kind;
    return html`<li class="card" id="kind-${k.kind}"><h3>${view ? html`<a href="${view}">${label}</a>` : label}</h3>
<p><span class="count" data-kind="${k.kind}">${k.artifacts}</span> ${k.artifacts === 1 ? 'artifact' : 'artifacts'} · ${size(k.bytes)}</p></li>`;
  });
  const requests = d.counters.http.reduce((n, r) => n + r.requests, 0);
  const body = html`<section aria-labelledby="store-h">
<h2 id="store-h">Store</h2>
<p>${count(d.artifacts, 'artifact')}, ${size(d.bytes)} of distinct blobs, in <code>${d.storeRoot}</code>.</p>
${d.kinds.length ? html`<ul class="cards">${cards}</ul>` : empty('The store is empty: `airlock load` a bundle or push an image.')}
</section>
<section aria-labelledby="bundle-h">
<h2 id="bundle-h">Last bundle loaded</h2>
${d.lastBundle ? html`<p><a href="/ui/bundles"><code>${d.lastBundle.id}</code></a>${d.lastBundle.sequence ? html`, sequence ${d.lastBundle.sequence}` : ''}, loaded ${date(d.lastBundle.loadedAt)}</p>` : empty('No bundle has been loaded into this store.')}
</section>
<section aria-labelledby="svc-h">
<h2 id="svc-h">Services</h2>
<p><a href="/ui/services">HTTP requests: ${requests}</a>, ${size(d.counters.bytesSent)} sent, up ${Math.round(d.counters.uptimeSeconds)} s${d.counters.dns ? html`; DNS responses: ${sumOf(d.counters.dns)}` : ''}${d.counters.ntp ? html`; NTP requests: ${sumOf(d.counters.ntp)}` : ''}.</p>
</section>`;
  return page({ title: 'Overview', path: '/ui/', body });
}

function sumOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
