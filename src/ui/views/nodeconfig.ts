// /ui/nodeconfig: what `airlock nodeconfig --site` renders for this server (containerd mirrors, chrony,
// resolver, kubespray offline.yml), each file to copy to the path shown.
import { html } from '../html.js';
import type { NodeConfig } from '../../nodeconfig/index.js';
import { page } from './layout.js';

export function nodeConfigPage(r: { config?: NodeConfig; error?: string }): string {
  const body = r.config
    ? html`<p>Copy each file to the path shown on every node, or write them all with <code class="copy">airlock nodeconfig --site site.yaml --out DIR</code>.</p>
${r.config.notes.length ? html`<ul class="notes">${r.config.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<nav aria-label="Files" class="toc"><ul>${r.config.files.map((f, i) => html`<li><a href="#nc-${i}">${f.path}</a></li>`)}</ul></nav>
${r.config.files.map((f, i) => html`<section class="ncfile" id="nc-${i}" aria-label="${f.path}"><h2><code>${f.path}</code></h2><pre class="copy" tabindex="0">${f.content}</pre></section>`)}`
    : html`<p class="empty">${r.error ?? ''}</p>`;
  return page({ title: 'Node configuration', path: '/ui/nodeconfig', body });
}
