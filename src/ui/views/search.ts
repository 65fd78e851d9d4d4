// /ui/search?q=: every artifact whose kind, name, version, platform, origin or digest holds each word.
import { html } from '../html.js';
import type { SearchHit } from '../search.js';
import { count, empty, page } from './layout.js';

export function searchPage(query: string, r: { hits: SearchHit[]; total: number }): string {
  const body = !query.trim()
    ? empty('Type a name, tag, platform or digest.')
    : r.total === 0
      ? empty(`Nothing matches “${query}”.`)
      : html`<p>${count(r.total, 'match', 'matches')}${r.total > r.hits.length ? html` (first ${r.hits.length} shown)` : ''}.</p>
<ul class="hits">${r.hits.map(hitItem)}</ul>`;
  return page({ title: 'Search', path: '/ui/search', query, body });
}

export function hitItem(h: SearchHit) {
  return html`<li><a href="${h.href}"><span class="kind">${h.kind}</span> ${h.name}${h.version ? html` <span class="version">${h.version}</span>` : ''}${h.platform ? html` <span class="muted">${h.platform}</span>` : ''}</a>${h.use ? html`<br><code class="copy">${h.use}</code>` : ''}</li>`;
}
