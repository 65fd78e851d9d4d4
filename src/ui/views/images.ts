// /ui/images: one section per repository; each tag with its platforms, digest, size and the reference
// nodes pull it by (pullReference, as `airlock store ls` prints it).
import { html } from '../html.js';
import type { ImageRepo, ImageVersion } from '../model.js';
import { count, date, digest, empty, page, size } from './layout.js';
import { pagerNav, type Paged } from './pager.js';

/** `only`: the one repository asked for (`?name=`, where search results link). */
export function imagesPage(repos: Paged<ImageRepo>, only?: string): string {
  const pager = pagerNav('/ui/images', repos, 'Repositories');
  const body = repos.total
    ? html`<p>${only ? html`Only this repository; <a href="/ui/images">all images</a>.` : html`${count(repos.total, 'repository', 'repositories')}.`} Pull with the reference shown, e.g. <code>skopeo inspect docker://…</code> or <code>crictl pull …</code>.</p>${pager}${repos.items.map(repoSection)}${pager}`
    : empty(only ? `No repository ${only} in the store.` : 'No images in the store.');
  return page({ title: 'Images', path: '/ui/images', body });
}

function repoSection(repo: ImageRepo) {
  return html`<section class="repo" id="${repo.anchor}" aria-label="${repo.name}">
<h2>${repo.name}</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">Tag</th><th scope="col">Platforms</th><th scope="col">Digest</th><th scope="col">Size</th><th scope="col">Pull</th><th scope="col">Added</th></tr></thead>
<tbody>${repo.versions.map(versionRow)}</tbody>
</table></div>
</section>`;
}

function versionRow(v: ImageVersion) {
  const label = v.tagged ? html`<strong>${v.version}</strong>` : html`<span class="muted">${v.artifactType ? `referrer ${v.artifactType}` : 'untagged'}</span>`;
  return html`<tr>
<td data-label="Tag">${label}</td>
<td data-label="Platforms">${v.platforms.length ? v.platforms.join(', ') : html`<span class="muted">—</span>`}${v.absent ? html` <span class="muted">(+${v.absent} not carried)</span>` : ''}</td>
<td data-label="Digest">${digest(v.digest)}</td>
<td data-label="Size">${size(v.bytes)}</td>
<td data-label="Pull"><code class="copy pull">${v.pull}</code></td>
<td data-label="Added">${date(v.addedAt)}</td>
</tr>`;
}
