// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the demo's
// server: every view shows what the store holds, search finds the image, the keyboard reaches
// everything, a phone-width screen does not scroll sideways, and names from the store are escaped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Store } from '../src/store/store.js';
import { metaOf } from '../src/kinds/oci/records.js';
import { readReceipt } from '../src/bundle/receipt.js';
import { launchChromium, horizontalOverflow, screenshot } from './helpers/browser.js';
import { airlockProcess, firstJson, run } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const VIEWS = ['/ui/', '/ui/images', '/ui/files', '/ui/bundles', '/ui/services', '/ui/nodeconfig'];
// A name a pushing user chose: it must reach the page as text, never as markup.
const HOSTILE = 'evil.invalid/"><script>alert(1)</script><img src=x onerror=alert(2)>/x';

describe('the dashboard in Chromium', () => {
  const dir = tempDir();
  const shots = process.env.AIRLOCK_UI_SHOTS ?? join(dir, 'shots');
  let demo: { url: string; dns: string; dir: string; store: string; server: { store: Store } };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const foreign: string[] = [];
  const dialogs: string[] = [];
  let stop = () => {};

  beforeAll(async () => {
    // The demo's own server, as `npm start` runs it (the compiled CLI: `npm test` builds dist/ first).
    const child = airlockProcess(['demo', '--dir', join(dir, 'demo'), '--listen', '127.0.0.1:0', '--json']);
    stop = () => void child.kill('SIGTERM');
    const r = await firstJson<{ url: string; dns: string; dir: string; store: string }>(child);
    // A second handle on the served store: the server reads the same catalog.
    const store = await Store.open(r.store);
    demo = { ...r, server: { store } };
    const blob = await store.blobs.ingest([Buffer.from('hostile\n')]);
    await store.addArtifact({ kind: 'file', name: HOSTILE, origin: 'https://evil.invalid/x', blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: demo.url });
    // Everything the page loads must come from the admin server itself (no CDN in a closed network).
    await context.route('**/*', (route) => {
      if (!route.request().url().startsWith(demo.url)) foreign.push(route.request().url());
      return route.continue();
    });
    page = await context.newPage();
    page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    demo?.server.store.close();
    stop();
  });

  it('redirects / to /ui/ and shows the store per kind', async () => {
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/ui/');
    const files = demo.server.store.find({ kind: 'file' }).length;
    const images = demo.server.store.find({ kind: 'oci' }).length;
    await expect(page.locator('[data-kind="file"]').textContent()).resolves.toBe(String(files));
    await expect(page.locator('[data-kind="oci"]').textContent()).resolves.toBe(String(images));
    await screenshot(page, shots, 'overview');
  });

  it('lists each image with its tag, platform, digest and pull reference', async () => {
    await page.goto('/ui/images');
    const [image] = demo.server.store.find({ kind: 'oci' });
    const section = page.locator('section.repo', { has: page.locator('h2', { hasText: image!.record.name }) });
    await expect(section.locator('td[data-label="Tag"]').first().textContent()).resolves.toBe(image!.record.version);
    await expect(section.locator('td[data-label="Digest"]').first().textContent()).resolves.toBe(metaOf(image!.record).digest);
    await expect(section.locator('td[data-label="Platforms"]').first().textContent()).resolves.toBe('linux/amd64');
    const registry = `registry.airgap.internal:${new URL(demo.url).port}`;
    await expect(section.locator('code.pull').first().textContent()).resolves.toBe(`${registry}/${image!.record.name}:${image!.record.version}`);
    await screenshot(page, shots, 'images');
  });

  it('lists each file with its sha256 and the URL kubespray fetches it at, and that URL serves it', async () => {
    await page.goto('/ui/files');
    const port = new URL(demo.url).port;
    for (const { record } of demo.server.store.find({ kind: 'file' })) {
      const row = page.locator('tr', { has: page.locator('.name', { hasText: record.name }) });
      await expect(row.locator('a.url').textContent()).resolves.toBe(`http://files.airgap.internal:${port}/files/${record.name}`);
      await expect(row.locator('code.digest').textContent()).resolves.toBe(record.blobs[0]!.digest);
    }
    // The same path on the address the browser uses is the file itself.
    const sample = demo.server.store.find({ kind: 'file' }).find((e) => e.record.name.endsWith('kubeadm'))!;
    const res = await fetch(`${demo.url}/files/${sample.record.name}`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(sample.record.blobs[0]!.size);
    await screenshot(page, shots, 'files');
  });

  it('shows names from the store as text, never as markup', async () => {
    await page.goto('/ui/files');
    await expect(page.locator('.name', { hasText: '<script>alert(1)</script>' }).count()).resolves.toBe(1);
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.scripts.length)).resolves.toBe(1);
    expect(dialogs).toEqual([]);
  });

  it('shows the bundles loaded with their dates, from the receipt', async () => {
    await page.goto('/ui/bundles');
    const receipt = await readReceipt(join(demo.store, 'receipt.json'));
    const loaded = receipt.loaded![0]!;
    const row = page.locator('tr', { hasText: loaded.id });
    await expect(row.locator('td[data-label="Sequence"]').textContent()).resolves.toBe(String(loaded.sequence));
    await expect(row.locator('td[data-label="Loaded"] time').getAttribute('datetime')).resolves.toBe(loaded.loadedAt);
    await expect(page.locator('dd', { hasText: receipt.id }).count()).resolves.toBe(1);
    // The same as JSON, for scripts.
    const summary = await (await fetch(`${demo.url}/ui/api/summary`)).json();
    expect(summary.loaded.map((b: { id: string }) => b.id)).toEqual(receipt.loaded!.map((b) => b.id));
    expect(summary.kinds.find((k: { kind: string }) => k.kind === 'file').artifacts).toBe(demo.server.store.find({ kind: 'file' }).length);
    await screenshot(page, shots, 'bundles');
  });

  it('shows the DNS, NTP and HTTP counters /metrics has', async () => {
    const [host, port] = demo.dns.split(':');
    const dig = await run('dig', [`@${host}`, '-p', port!, 'registry.airgap.internal', 'A', '+short']);
    expect(dig.stdout.trim()).toBe('127.0.0.1');
    await page.goto('/ui/services');
    const metrics = await (await fetch(`${demo.url}/metrics`)).text();
    const noerror = Number(/airlock_dns_responses_total\{result="noerror"\} (\d+)/.exec(metrics)![1]);
    expect(noerror).toBeGreaterThanOrEqual(1);
    const dnsRow = page.locator('section[aria-labelledby="dns-h"] tr', { has: page.locator('td', { hasText: /^noerror$/ }) });
    await expect(dnsRow.locator('td.num').textContent()).resolves.toBe(String(noerror));
    await expect(page.locator('section[aria-labelledby="ntp-h"] td', { hasText: /^answered$/ }).count()).resolves.toBe(1);
    await expect(page.locator('section[aria-labelledby="http-h"] td', { hasText: /^\/ui$/ }).count()).resolves.toBeGreaterThan(0);
    await screenshot(page, shots, 'services');
  });

  it('shows the node configuration `airlock nodeconfig` renders for this server', async () => {
    await page.goto('/ui/nodeconfig');
    const offline = page.locator('section', { has: page.locator('h2', { hasText: 'kubespray/offline.yml' }) }).locator('pre');
    await expect(offline.textContent()).resolves.toContain(`files_repo: http://files.airgap.internal:${new URL(demo.url).port}/files\n`);
    await expect(offline.textContent()).resolves.toBe(readFileSync(join(demo.dir, "node/kubespray/offline.yml"), "utf8"));
    // The demo wrote the same files for its nodes, from the same site and bound ports.
    const chrony = readFileSync(join(demo.dir, 'node/etc/chrony/chrony.conf'), 'utf8');
    await expect(page.locator('section', { has: page.locator('h2', { hasText: /^etc\/chrony\/chrony\.conf$/ }) }).locator('pre').textContent()).resolves.toBe(chrony);
    // Copy puts the file, exactly, on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url });
    const section = page.locator('section', { has: page.locator('h2', { hasText: /^etc\/chrony\/chrony\.conf$/ }) });
    await section.locator('button.copy-btn').click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(chrony);
    await screenshot(page, shots, 'nodeconfig');
  });

  it('finds an image as one types, and on Enter shows every match', async () => {
    await page.goto('/ui/');
    await page.locator('#q').pressSequentially('hello');
    const live = page.locator('#live a', { hasText: 'sample.invalid/airlock/hello' });
    await live.waitFor();
    await screenshot(page, shots, 'live-search');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\/ui\/search\?q=hello$/);
    const hit = page.locator('ul.hits li', { hasText: 'sample.invalid/airlock/hello' });
    await expect(hit.locator('code').textContent()).resolves.toMatch(/\/sample\.invalid\/airlock\/hello:1\.0$/);
    await screenshot(page, shots, 'search');
    await hit.locator('a').click();
    await page.waitForURL(/\/ui\/images\?name=sample\.invalid%2Fairlock%2Fhello#image-/);
    await expect(page.locator("section.repo").count()).resolves.toBe(1);
  });

  it('searches by digest without JavaScript (the form is a plain GET)', async () => {
    const plain = await browser.newContext({ baseURL: demo.url, javaScriptEnabled: false });
    try {
      const p = await plain.newPage();
      await p.goto('/ui/files');
      const digest = demo.server.store.find({ kind: 'file' })[0]!.record.blobs[0]!.digest;
      await p.locator('#q').fill(digest.slice(7, 20));
      await p.locator('#q').press('Enter');
      await p.waitForURL(/\/ui\/search\?q=/);
      await expect(p.locator('ul.hits li').count()).resolves.toBeGreaterThanOrEqual(1);
      await expect(p.locator('.copy-btn').count()).resolves.toBe(0);
    } finally {
      await plain.close();
    }
  });

  it('is usable from the keyboard: Tab reaches the skip link, the views and the search box; Enter follows a link', async () => {
    await page.goto('/ui/');
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => (document.activeElement as HTMLElement).id || document.activeElement!.textContent!.trim()));
    }
    expect(reached[0]).toBe('Skip to content');
    expect(reached).toContain('Images');
    expect(reached).toContain('q');
    // Tab to "Files" and follow it with Enter.
    await page.goto('/ui/');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement!.textContent)) !== 'Files'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/files$/);
  });

  it('fits a 375 px phone screen without sideways scrolling on every view', async () => {
    const phone = await browser.newContext({ baseURL: demo.url, viewport: { width: 375, height: 740 }, isMobile: true });
    try {
      const p = await phone.newPage();
      for (const view of VIEWS) {
        await p.goto(view);
        expect(await horizontalOverflow(p), view).toEqual([]);
        await screenshot(p, shots, `phone${view.replace(/\//g, '-').replace(/-$/, '')}`);
      }
    } finally {
      await phone.close();
    }
  });

  it('loaded nothing from anywhere but the admin server', () => {
    expect(foreign).toEqual([]);
  });
});
