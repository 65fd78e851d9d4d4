// The dashboard's one script, shipped inside airlock: live search results under the search box as the
// operator types (the form still submits to /ui/search without it), and Copy buttons on references and
// configuration files. Vanilla JS, no framework: the page runs in a closed network.
export const SCRIPT = `
const input = document.getElementById('q');
const live = document.getElementById('live');
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
let timer, asked = 0;
async function lookup() {
  const q = input.value.trim();
  const mine = ++asked;
  if (!q) { live.innerHTML = ''; return; }
  const res = await fetch('/ui/api/search?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } });
  if (!res.ok || mine !== asked) return;
  const r = await res.json();
  const items = r.hits.slice(0, 10).map((h) => '<li><a href="' + esc(h.href) + '"><span class="kind">' + esc(h.kind) + '</span> ' + esc(h.name) + (h.version ? ' <span class="version">' + esc(h.version) + '</span>' : '') + '</a></li>');
  live.innerHTML = r.total ? '<ul class="hits" aria-label="Matches">' + items.join('') + '</ul>' + (r.total > 10 ? '<p><a href="/ui/search?q=' + encodeURIComponent(q) + '">all ' + r.total + ' matches</a></p>' : '') : '<p class="empty">Nothing matches.</p>';
}
if (input && live) {
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => lookup().catch(() => {}), 150); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Escape') live.innerHTML = ''; });
}
for (const el of document.querySelectorAll('.copy')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy-btn';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy ' + (el.tagName === 'PRE' ? 'file' : el.textContent));
  button.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(el.textContent); button.textContent = 'Copied'; }
    catch { getSelection().selectAllChildren(el); button.textContent = 'Selected'; }
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
  el.after(button);
}
`;
