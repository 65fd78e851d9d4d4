// `store ls` shows, for each image, the reference that pulls it: an image collected from a registry with
// a port (`127.0.0.1:PORT/team/hello:1.0`) is served as `127.0.0.1_PORT/team/hello:1.0`, and skopeo pulls
// exactly what `store ls` prints.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, run, startServe } from './helpers/cli.js';
import { ok } from './helpers/pipeline.js';
import { buildSampleLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { tempDir } from './helpers/tmp.js';
import { pullReference } from '../src/kinds/oci/names.js';

const dir = tempDir();
const sha = (b: string) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const upstreamStore = join(dir, 'upstream');
const store = join(dir, 'store');
let upstream: Awaited<ReturnType<typeof startServe>>;
let upstreamHost: string;
let sample: ReturnType<typeof buildSampleLayout>;

beforeAll(async () => {
  // The upstream is an airlock server too: an empty store that skopeo pushes an in-house image into.
  await ok(['store', 'init', '--store', upstreamStore]);
  upstream = await startServe(upstreamStore, ['--htpasswd', htpasswdFile(join(dir, 'htpasswd'), 'u', 'p')]);
  upstreamHost = new URL(upstream.url).host;
  const layout = join(dir, 'layout');
  sample = buildSampleLayout(layout);
  const push = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', 'u:p', `oci:${layout}:1.0`, `docker://${upstreamHost}/team/hello:1.0`]);
  expect(push.code, push.stderr).toBe(0);
  writeFileSync(join(dir, 'airlock.yaml'), `version: 1\nimages:\n  - ref: ${upstreamHost}/team/hello:1.0\n`);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
});
afterAll(async () => upstream?.stop());

describe('store ls pull references', () => {
  it('without a registry address: a placeholder and the served name, in text and JSON', async () => {
    const served = `${upstreamHost.replace(':', '_')}/team/hello:1.0`;
    const rows = JSON.parse((await ok(['store', 'ls', '--store', store, '--json'])).stdout) as { name: string; pull?: string }[];
    expect(rows).toEqual([expect.objectContaining({ name: `${upstreamHost}/team/hello`, pull: `<registry-host>/${served}` })]);
    expect((await ok(['store', 'ls', '--store', store])).stdout).toContain(`pull <registry-host>/${served}`);
  });

  it('with --registry: the exact reference, and skopeo pulls the image by it', async () => {
    const server = await startServe(store);
    try {
      const host = new URL(server.url).host;
      const rows = JSON.parse((await ok(['store', 'ls', '--store', store, '--registry', host, '--json'])).stdout) as { pull: string }[];
      expect(rows[0]!.pull).toBe(`${host}/${upstreamHost.replace(':', '_')}/team/hello:1.0`);
      expect(rows[0]!.pull).toBe(pullReference(`${upstreamHost}/team/hello`, '1.0', host));
      const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${rows[0]!.pull}`]);
      expect(raw.code, raw.stderr).toBe(0);
      expect(sha(raw.stdout)).toBe(sample.single.digest);
      // The record name the old listing showed is not a reference a client accepts.
      const bad = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/${upstreamHost}/team/hello:1.0`]);
      expect(bad.code).not.toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('with --site: the registry name nodes use; a malformed --registry is a usage error', async () => {
    const site = join(dir, 'site.yaml');
    writeFileSync(site, 'version: 1\ndomain: airgap.internal\nadmin: { name: admin, address: 10.1.1.10 }\nhttp: { listen: 0.0.0.0:80 }\n');
    const rows = JSON.parse((await ok(['store', 'ls', '--store', store, '--site', site, '--json'])).stdout) as { pull: string }[];
    expect(rows[0]!.pull).toBe(`10.1.1.10/${upstreamHost.replace(':', '_')}/team/hello:1.0`);
    const r = await airlock(['store', 'ls', '--store', store, '--registry', 'http://x/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^airlock: --registry must be HOST or HOST:PORT, not "http:\/\/x\/"/);
  });

  it('digest-only records are pulled by @digest', () => {
    expect(pullReference('registry.k8s.io/pause', `sha256:${'a'.repeat(64)}`, 'r.example')).toBe(`r.example/registry.k8s.io/pause@sha256:${'a'.repeat(64)}`);
  });
});
