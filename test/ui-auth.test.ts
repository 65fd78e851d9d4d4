// The dashboard follows the registry's read rule: anonymous by default; with --no-anonymous-pull the
// page, its API and its assets answer 401 without the htpasswd credentials, and render with them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { silentLogger } from '../src/core/log.js';
import { Store } from '../src/store/store.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { launchChromium, screenshot } from './helpers/browser.js';
import { tempDir } from './helpers/tmp.js';
import { airlockProcess, firstJson } from './helpers/cli.js';

const FILE = 'dl.k8s.io/release/v1.33.7/bin/linux/amd64/kubeadm';

describe('dashboard credentials', () => {
  const dir = tempDir();
  const htpasswd = htpasswdFile(join(dir, 'htpasswd'), 'ops', 's3cret');
  let closed: RunningServer;
  let open: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await Store.init(join(dir, 'store'));
    const store = await Store.open(join(dir, 'store'));
    const blob = await store.blobs.ingest([Buffer.from('kubeadm\n')]);
    await store.addArtifact({ kind: 'file', name: FILE, origin: `https://${FILE}`, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    store.close();
    const common = { storeDir: join(dir, 'store'), host: '127.0.0.1', port: 0, log: silentLogger, accessLog: false, htpasswd };
    closed = await startServer({ ...common, anonymousPull: false });
    open = await startServer(common);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await closed?.close();
    await open?.close();
  });

  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('with --no-anonymous-pull, answers 401 with a Basic challenge to every page, API and asset', async () => {
    for (const path of ['/ui/', '/ui/files', '/ui/api/search?q=kubeadm', '/ui/assets/app.js']) {
      const res = await fetch(closed.url + path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toBe('Basic realm="airlock"');
      expect(await res.text(), path).not.toContain('kubeadm');
    }
    const wrong = await fetch(`${closed.url}/ui/`, { headers: basic('ops', 'wrong') });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${closed.url}/ui/api/search?q=kubeadm`, { headers: basic('ops', 's3cret') });
    expect(right.status).toBe(200);
    expect((await right.json()).hits[0].name).toBe(FILE);
  });

  it('renders in Chromium with the credentials, and refuses without them', async () => {
    const anonymous = await browser.newContext();
    const withCreds = await browser.newContext({ httpCredentials: { username: 'ops', password: 's3cret' } });
    try {
      // Challenged with no credentials to give, headless Chromium ends the navigation.
      await expect((await anonymous.newPage()).goto(`${closed.url}/ui/files`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      const page = await withCreds.newPage();
      const res = await page.goto(`${closed.url}/ui/files`);
      expect(res!.status()).toBe(200);
      await expect(page.locator('.name').textContent()).resolves.toBe(FILE);
      // The stylesheet and script came through with the same credentials.
      await expect(page.evaluate(() => getComputedStyle(document.querySelector('header')!).display)).resolves.toBe('flex');
      await expect(page.locator('.copy-btn').count()).resolves.toBeGreaterThan(0);
      await screenshot(page, process.env.AIRLOCK_UI_SHOTS ?? join(dir, 'shots'), 'files-authenticated');
    } finally {
      await anonymous.close();
      await withCreds.close();
    }
  });

  it('with anonymous pull (the default), anyone may read the page even though pushes need credentials', async () => {
    const res = await fetch(`${open.url}/ui/files`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(FILE);
    expect((await fetch(`${open.url}/ui/`, { headers: basic('ops', 'wrong') })).status).toBe(401);
    // A path that is no view: a page saying so, with the name escaped.
    const missing = await fetch(`${open.url}/ui/%3Cb%3Enope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<code>/ui/%3Cb%3Enope</code>');
  });

  it('`airlock serve` prints where the dashboard is, and it answers there', async () => {
    const child = airlockProcess(['serve', '--store', join(dir, 'store'), '--listen', '127.0.0.1:0', '--no-access-log', '--json']);
    try {
      const r = await firstJson<{ url: string; dashboard: string }>(child);
      expect(r.dashboard).toBe(`${r.url}/ui/`);
      const res = await fetch(r.dashboard);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('<span class="count" data-kind="file">1</span>');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
