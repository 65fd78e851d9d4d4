// A path under /ui/ that is no view: say so in the page's own frame, with the way back.
import { html } from '../html.js';
import { page } from './layout.js';

export function notFoundPage(path: string): string {
  return page({ title: 'Not found', path, body: html`<p>There is no dashboard view at <code>${path}</code>. <a href="/ui/">Back to the overview</a>.</p>` });
}
