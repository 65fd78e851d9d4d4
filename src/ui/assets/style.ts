// The dashboard's stylesheet, shipped inside airlock (a TS string: tsc copies no other file types).
// System fonts, no images; tables turn into labelled blocks on a phone so nothing scrolls sideways.
export const STYLE = `
:root { color-scheme: light dark; --fg: #1d232a; --bg: #fff; --muted: #5b6670; --line: #d7dde3; --accent: #0b5cad; --soft: #f2f5f8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #14181c; --muted: #9aa6b1; --line: #33404b; --accent: #7ab8ff; --soft: #1c2228; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; overflow-wrap: anywhere; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5em; z-index: 2; }
.skip:focus { left: .5em; }
header { display: flex; flex-wrap: wrap; gap: .5em 1.5em; align-items: center; padding: .6em 1em; border-bottom: 1px solid var(--line); background: var(--soft); }
.brand { font-weight: 700; font-size: 1.15em; text-decoration: none; color: var(--fg); }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25em 1em; }
nav a { text-decoration: none; padding: .2em 0; }
nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
.search { position: relative; display: flex; gap: .4em; align-items: center; flex: 1 1 16em; max-width: 32em; }
.search label { position: absolute; left: -999px; }
.search input { flex: 1; min-width: 0; padding: .35em .5em; font: inherit; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
.search button { font: inherit; padding: .35em .7em; }
.live { position: absolute; top: 100%; left: 0; right: 0; z-index: 1; background: var(--bg); box-shadow: 0 4px 12px rgba(0,0,0,.2); }
.live:empty { display: none; }
.live ul { margin: 0; padding: .3em .6em; list-style: none; }
main { padding: 0 1em 2em; max-width: 90em; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 1.6em; overflow-wrap: anywhere; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(14em, 1fr)); gap: 1em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .2em 1em; background: var(--soft); }
.card h3 { font-size: 1em; }
.count { font-size: 1.6em; font-weight: 700; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4em .6em; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
.num { text-align: right; }
.counters { width: auto; min-width: 18em; }
.muted, .empty { color: var(--muted); }
.error { color: #b00020; }
.badge { font-size: .8em; border: 1px solid currentColor; border-radius: 3px; padding: 0 .3em; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1em; }
.facts dd { margin: 0; min-width: 0; }
pre { background: var(--soft); border: 1px solid var(--line); padding: .8em; overflow-x: auto; white-space: pre; }
.hits { padding-left: 1.2em; }
.toc a, .name, .url, .hits a { overflow-wrap: anywhere; }
.hits li { margin: .4em 0; }
.kind { font-size: .8em; text-transform: uppercase; color: var(--muted); }
.pager { display: flex; flex-wrap: wrap; gap: 1em; margin: 1em 0; }
.copy-btn { margin-left: .5em; font-size: .8em; }
footer { padding: 1em; color: var(--muted); border-top: 1px solid var(--line); }
@media (max-width: 40em) {
  table:not(.counters), table:not(.counters) tbody, table:not(.counters) tr, table:not(.counters) td { display: block; width: 100%; }
  table:not(.counters) thead { position: absolute; left: -999px; }
  table:not(.counters) tr { border-bottom: 2px solid var(--line); padding: .4em 0; }
  table:not(.counters) td { border: 0; padding: .15em 0; overflow-wrap: anywhere; }
  table:not(.counters) td::before { content: attr(data-label); display: block; font-size: .8em; color: var(--muted); }
  .search { max-width: none; }
}
`;
