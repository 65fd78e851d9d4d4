// A store with more files than one page holds: the dashboard shows them a page at a time, in order,
// with working Previous/Next links, and a search result links to its one file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { silentLogger } from '../src/core/log.js';
import { Store } from '../src/store/store.js';
import { FILES_PER_PAGE } from '../src/ui/pages.js';
import { launchChromium } from './helpers/browser.js';
import { tempDir } from './helpers/tmp.js';

const COUNT = FILES_PER_PAGE + 3;
const nameOf = (i: number) => `dl.k8s.io/release/v1.${String(i).padStart(4, '0')}/bin/linux/amd64/kubeadm`;

describe('dashboard pages of a large store', () => {
  const dir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const store = await Store.open(join(dir, 'store'), { create: true });
    const blob = await store.blobs.ingest([Buffer.from('kubeadm\n')]);
    for (let i = 0; i < COUNT; i++) {
      await store.addArtifact({ kind: 'file', name: nameOf(i), origin: `https://${nameOf(i)}`, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    }
    store.close();
    server = await startServer({ storeDir: join(dir, 'store'), host: '127.0.0.1', port: 0, log: silentLogger, accessLog: false });
    browser = await launchChromium();
    page = await (await browser.newContext({ baseURL: server.url })).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows files a page at a time and follows Next and Previous', async () => {
    await page.goto('/ui/files');
    await expect(page.locator('tbody tr').count()).resolves.toBe(FILES_PER_PAGE);
    await expect(page.locator('.pager span').first().textContent()).resolves.toBe(`Files 1–${FILES_PER_PAGE} of ${COUNT}`);
    await page.locator('.pager a[rel="next"]').first().click();
    await page.waitForURL(/page=2$/);
    await expect(page.locator('.name').first().textContent()).resolves.toBe(nameOf(FILES_PER_PAGE));
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await expect(page.locator('.name').last().textContent()).resolves.toBe(nameOf(COUNT - 1));
    await expect(page.locator('.pager a[rel="next"]').count()).resolves.toBe(0);
    await page.locator('.pager a[rel="prev"]').first().click();
    await page.waitForURL(/page=1$/);
    await expect(page.locator('.name').first().textContent()).resolves.toBe(nameOf(0));
    // A page past the end shows the last one; garbage shows the first.
    await page.goto('/ui/files?page=99');
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await page.goto('/ui/files?page=%3Cx%3E');
    await expect(page.locator('.name').first().textContent()).resolves.toBe(nameOf(0));
  });

  it('links a search result to its one file', async () => {
    await page.goto('/ui/search?q=v1.0477');
    await page.locator('ul.hits a').click();
    await page.waitForURL(/\/ui\/files\?name=/);
    await expect(page.locator('.name').allTextContents()).resolves.toEqual([nameOf(477)]);
    await expect(page.locator('a.url').textContent()).resolves.toBe(`${server.url}/files/${nameOf(477)}`);
    await expect(page.locator('.pager').count()).resolves.toBe(0);
  });
});
