// /ui/services: the HTTP, DNS and NTP counters /metrics exposes, and where the listeners are.
import { html } from '../html.js';
import type { Counters } from '../counters.js';
import type { Bound } from '../site-view.js';
import { empty, page, size } from './layout.js';

export function servicesPage(c: Counters, bound: Bound): string {
  const listeners = [
    html`<dt>HTTP</dt><dd><code>${bound.url}</code></dd>`,
    ...(bound.dns ?? []).map((a) => html`<dt>DNS</dt><dd><code>${a}</code> (udp+tcp)</dd>`),
    ...(bound.ntp ?? []).map((a) => html`<dt>NTP</dt><dd><code>${a}</code> (udp)</dd>`),
  ];
  const body = html`<section aria-labelledby="listen-h"><h2 id="listen-h">Listeners</h2><dl class="facts">${listeners}</dl>
<p>Up ${Math.round(c.uptimeSeconds)} s, ${size(c.bytesSent)} sent over HTTP.</p></section>
<section aria-labelledby="http-h"><h2 id="http-h">HTTP requests</h2>
${c.http.length ? counterTable(['Route', 'Status'], c.http.map((r) => [[r.prefix, r.status], r.requests])) : empty('No requests counted yet.')}</section>
<section aria-labelledby="dns-h"><h2 id="dns-h">DNS responses</h2>
${c.dns ? counterTable(['Result'], Object.entries(c.dns).map(([k, v]) => [[k], v])) : empty('DNS is not running: site.yaml enables it (`airlock serve --site`).')}</section>
<section aria-labelledby="ntp-h"><h2 id="ntp-h">NTP requests</h2>
${c.ntp ? counterTable(['Outcome'], Object.entries(c.ntp).map(([k, v]) => [[k], v])) : empty('NTP is not running: site.yaml enables it (`airlock serve --site`).')}</section>`;
  return page({ title: 'Services', path: '/ui/services', body });
}

function counterTable(heads: string[], rows: [string[], number][]) {
  return html`<table class="counters">
<thead><tr>${heads.map((h) => html`<th scope="col">${h}</th>`)}<th scope="col" class="num">Count</th></tr></thead>
<tbody>${rows.map(([labels, n]) => html`<tr>${labels.map((l) => html`<td>${l}</td>`)}<td class="num">${n}</td></tr>`)}</tbody>
</table>`;
}
