// /ui/images: one section per repository; each tag with its platforms, digest, size and the reference
// nodes pull it by (pullReference, as `airlock store ls` prints it).
import { html } from '../html.js';
import type { ImageRepo, ImageVersion } from '../model.js';
import { date, digest, empty, page, size } from './layout.js';

export function imagesPage(repos: ImageRepo[]): string {
  const body = repos.length ? html`<p>${repos.length} repositories. Pull with the reference shown, e.g. <code>skopeo inspect docker://…</code> or <code>crictl pull …</code>.</p>${repos.map(repoSection)}` : empty('No images in the store.');
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
<td data-label="Platforms">${v.platforms.length ? v.platforms.join(', ') : html`<span class="muted">—</span>`}</td>
<td data-label="Digest">${digest(v.digest)}</td>
<td data-label="Size">${size(v.bytes)}</td>
<td data-label="Pull"><code class="copy pull">${v.pull}</code></td>
<td data-label="Added">${date(v.addedAt)}</td>
</tr>`;
}
