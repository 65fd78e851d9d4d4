// Debian's headless Chromium driven by playwright-core (no browser download: the package is the browser).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (test/setup/ensure-clients.js installs it)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox (tests run as root in containers); nothing that phones home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A full-page screenshot `<dir>/<name>.png`, for a human to look at. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * What sticks out of the viewport sideways: the page itself being wider (a phone would scroll
 * sideways), or any element reaching past the right edge (hidden inside a scrolling box). Text in
 * <pre> may scroll in its box: configuration files are not wrapped.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = document.documentElement.scrollWidth > width ? [`page ${document.documentElement.scrollWidth}px > ${width}px`] : [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('pre') || el.closest('.skip')) continue;
      const right = el.getBoundingClientRect().right;
      if (right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(right)}px: ${(el.textContent ?? '').slice(0, 40)}`);
    }
    return out;
  });
}
