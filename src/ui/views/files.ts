// /ui/files: every file with the URL nodes and kubespray fetch it at (<files_repo>/<host>/<path>).
import { html } from '../html.js';
import type { FileRow } from '../model.js';
import { count, date, digest, empty, page, size } from './layout.js';
import { pagerNav, type Paged } from './pager.js';

/** `only`: the one file asked for (`?name=`, where search results link). */
export function filesPage(files: Paged<FileRow>, filesRepo: string, only?: string): string {
  const pager = pagerNav('/ui/files', files, 'Files');
  const body = files.total
    ? html`<p>${only ? html`Only this file; <a href="/ui/files">all files</a>.` : html`${count(files.total, 'file')}.`} kubespray: <code class="copy">files_repo: "${filesRepo}"</code></p>${pager}
<div class="scroll"><table>
<thead><tr><th scope="col">Path</th><th scope="col">Size</th><th scope="col">SHA-256</th><th scope="col">URL</th><th scope="col">Added</th></tr></thead>
<tbody>${files.items.map(fileRow)}</tbody>
</table></div>${pager}`
    : empty(only ? `No file ${only} in the store.` : 'No files in the store.');
  return page({ title: 'Files', path: '/ui/files', body });
}

function fileRow(f: FileRow) {
  return html`<tr id="${f.anchor}">
<td data-label="Path"><span class="name">${f.name}</span>${f.origin ? html`<br><span class="muted">from ${f.origin}</span>` : ''}</td>
<td data-label="Size">${size(f.bytes)}</td>
<td data-label="SHA-256">${digest(f.digest)}</td>
<td data-label="URL"><a class="url" href="${f.url}">${f.url}</a></td>
<td data-label="Added">${date(f.addedAt)}</td>
</tr>`;
}
