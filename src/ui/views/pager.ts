// Long lists are shown a page at a time (`?page=N`), so a store of tens of thousands of artifacts
// renders in milliseconds and the event loop stays free for pulls.
import { html, type Html } from '../html.js';

export interface Paged<T> {
  items: T[];
  page: number;
  pages: number;
  first: number;
  total: number;
}

export function paginate<T>(all: T[], pageParam: string | null, size: number): Paged<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const page = Math.min(pages, Math.max(1, Math.trunc(Number(pageParam)) || 1));
  const first = (page - 1) * size;
  return { items: all.slice(first, first + size), page, pages, first, total: all.length };
}

/** "Previous · 1–200 of 950 · Next", as links to the same view; nothing when everything fits. */
export function pagerNav(path: string, p: Paged<unknown>, what: string): Html | '' {
  if (p.pages <= 1) return '';
  const link = (page: number, label: string, rel: string) => html`<a href="${path}?page=${page}" rel="${rel}">${label}</a>`;
  return html`<nav class="pager" aria-label="${what} pages">${p.page > 1 ? link(p.page - 1, '« Previous', 'prev') : ''}
<span>${what} ${p.first + 1}–${p.first + p.items.length} of ${p.total}</span>
${p.page < p.pages ? link(p.page + 1, 'Next »', 'next') : ''}</nav>`;
}
