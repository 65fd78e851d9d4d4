// The assets /ui/assets/ serves, with a content hash in their ETag so browsers revalidate cheaply.
import { createHash } from 'node:crypto';
import { STYLE } from './style.js';
import { SCRIPT } from './script.js';

export const ASSET_PATHS = { css: '/ui/assets/style.css', js: '/ui/assets/app.js' } as const;

export interface Asset {
  type: string;
  body: string;
  etag: string;
}

const asset = (type: string, body: string): Asset => ({ type, body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` });

export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  [ASSET_PATHS.css, asset('text/css; charset=utf-8', STYLE)],
  [ASSET_PATHS.js, asset('text/javascript; charset=utf-8', SCRIPT)],
]);
