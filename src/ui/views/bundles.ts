// /ui/bundles: the bundles this store loaded (the receipt's `loaded` history, newest first) and the
// receipt itself, which is carried back to the bastion so the next bundle is a delta.
import { html } from '../html.js';
import type { LoadedBundle } from '../../bundle/receipt.js';
import type { ReceiptData } from '../receipts.js';
import { date, empty, page } from './layout.js';

export function bundlesPage(d: ReceiptData): string {
  const body = html`${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
<section aria-labelledby="loaded-h">
<h2 id="loaded-h">Loaded bundles</h2>
${d.history.length ? historyTable(d.history) : empty('No bundle has been loaded into this store.')}
</section>
<section aria-labelledby="receipt-h">
<h2 id="receipt-h">Receipt</h2>
${d.receipt
  ? html`<dl class="facts">
<dt>File</dt><dd><code>${d.receiptFile}</code></dd>
<dt>Id</dt><dd><code>${d.receipt.id}</code></dd>
<dt>Written</dt><dd>${date(d.receipt.created)}</dd>
<dt>Artifacts</dt><dd>${d.receipt.artifacts}</dd>
<dt>Blobs</dt><dd>${d.receipt.blobs.length}</dd>
</dl>
<p>Carry it to the bastion: <code class="copy">airlock pack --since receipt.json …</code> packs only what this store lacks.</p>`
  : empty('No receipt yet: `airlock load` writes one.')}
</section>`;
  return page({ title: 'Bundles', path: '/ui/bundles', body });
}

function historyTable(history: LoadedBundle[]) {
  const rows = [...history].reverse().map(
    (b) => html`<tr>
<td data-label="Bundle"><code>${b.id}</code>${b.downgrade ? html` <span class="badge">downgrade</span>` : ''}</td>
<td data-label="Sequence">${b.sequence ?? html`<span class="muted">—</span>`}</td>
<td data-label="Packed">${date(b.created)}</td>
<td data-label="Loaded">${date(b.loadedAt)}</td>
<td data-label="Signed by">${b.keyId ? html`<code>${b.keyId}</code>` : html`<span class="muted">unsigned</span>`}</td>
</tr>`,
  );
  return html`<div class="scroll"><table>
<thead><tr><th scope="col">Bundle</th><th scope="col">Sequence</th><th scope="col">Packed</th><th scope="col">Loaded</th><th scope="col">Signed by</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}
