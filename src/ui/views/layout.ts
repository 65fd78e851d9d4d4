// The page shell every view shares: a skip link, the navigation, the search form (a plain GET form, so
// it works without JavaScript) and the stylesheet and script airlock ships (no CDN: closed networks).
import { html, type Html } from '../html.js';
import { formatSize } from '../../core/units.js';
import { ASSET_PATHS } from '../assets/index.js';

export const NAV = [
  { path: '/ui/', label: 'Overview' },
  { path: '/ui/images', label: 'Images' },
  { path: '/ui/files', label: 'Files' },
  { path: '/ui/bundles', label: 'Bundles' },
  { path: '/ui/services', label: 'Services' },
  { path: '/ui/nodeconfig', label: 'Node config' },
] as const;

export interface PageOptions {
  title: string;
  /** The NAV path of this page, marked aria-current. */
  path: string;
  query?: string;
  body: Html;
}

export function page(opts: PageOptions): string {
  const nav = NAV.map((n) => html`<li><a href="${n.path}"${opts.path === n.path ? html` aria-current="page"` : ''}>${n.label}</a></li>`);
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · airlock</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
<script type="module" src="${ASSET_PATHS.js}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<a class="brand" href="/ui/">airlock</a>
<nav aria-label="Views"><ul>${nav}</ul></nav>
<form class="search" role="search" method="get" action="/ui/search">
<label for="q">Search artifacts</label>
<input id="q" name="q" type="search" value="${opts.query ?? ''}" placeholder="name, tag, digest…" autocomplete="off">
<button type="submit">Search</button>
<div id="live" class="live" aria-live="polite"></div>
</form>
</header>
<main id="main" tabindex="-1">
<h1>${opts.title}</h1>
${opts.body}
</main>
<footer>Read-only view of this admin server. <a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a></footer>
</body>
</html>
`}`;
}

export const size = (bytes: number): string => formatSize(bytes);

/** `1 file`, `2 files`. */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const date = (ms: number | string): Html => {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getTime() === 0) return html`<span class="muted">unknown</span>`;
  const iso = d.toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time>`;
};

/** A digest in full (operators compare and copy it), wrapped anywhere on a narrow screen. */
export const digest = (d: string): Html => html`<code class="digest">${d}</code>`;

export const empty = (what: string): Html => html`<p class="empty">${what}</p>`;
