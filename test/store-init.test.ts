// `airlock store init`: an empty store a new admin server can serve at once as a push target for
// in-house images (skopeo pushes into it, skopeo pulls back the same digest); init is idempotent and
// never turns a directory of other files into a store.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { airlock, run, startServe } from './helpers/cli.js';
import { buildSampleLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const sha = (b: string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

describe('airlock store init', () => {
  it('makes an empty store that serve accepts and skopeo pushes into', async () => {
    const store = join(dir, 'new', 'store');
    const missing = await airlock(['serve', '--store', store, '--listen', '127.0.0.1:0']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('`airlock store init --store');

    const init = await airlock(['store', 'init', '--store', store, '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({ root: store, created: true });

    const layout = join(dir, 'layout');
    const sample = buildSampleLayout(layout);
    const server = await startServe(store, ['--htpasswd', htpasswdFile(join(dir, 'htpasswd'), 'admin', 'pw')]);
    try {
      const host = new URL(server.url).host;
      const push = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', 'admin:pw', `oci:${layout}:1.0`, `docker://${host}/inhouse/app:1.0`]);
      expect(push.code, push.stderr).toBe(0);
      const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/inhouse/app:1.0`]);
      expect(raw.code, raw.stderr).toBe(0);
      expect(sha(raw.stdout)).toBe(sample.single.digest);
    } finally {
      await server.stop();
    }
    const ls = JSON.parse((await airlock(['store', 'ls', '--store', store, '--json'])).stdout) as { name: string; version: string }[];
    expect(ls).toEqual([expect.objectContaining({ name: 'inhouse/app', version: '1.0' })]);
  });

  it('is idempotent: a second init leaves the store and its content as they are', async () => {
    const store = join(dir, 'twice');
    expect((await airlock(['store', 'init', '--store', store])).stdout).toBe(`created an empty store: ${store}\n`);
    writeFileSync(join(store, 'blobs', 'sha256', 'keep'), 'x');
    const again = await airlock(['store', 'init', '--store', store, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ root: store, created: false });
    expect(readdirSync(join(store, 'blobs', 'sha256'))).toContain('keep');
  });

  it('refuses a directory of other files (exit 2, one line) and adds nothing to it', async () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'notes.txt'), 'mine');
    const r = await airlock(['store', 'init', '--store', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`airlock: ${home} is not empty and not an airlock store (it holds "notes.txt"); choose a new or empty directory for --store\n`);
    expect(readdirSync(home)).toEqual(['notes.txt']);
    const file = await airlock(['store', 'init', '--store', join(home, 'notes.txt'), '--json']);
    expect(file.code).toBe(2);
    expect(JSON.parse(file.stdout).error).toMatchObject({ code: 'USAGE', message: `${join(home, 'notes.txt')} is a file, not a directory` });
  });
});
