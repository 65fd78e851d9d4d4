// Names without their upstream registry, as kubespray's offline docs write them
// (`kube_image_repo: "{{ registry_host }}"` pulls `<admin>/kube-apiserver`): served from the one upstream
// in the store that has the name, refused with both names when two upstreams have it, never used for
// pushes. Driven with skopeo against a real serve.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startServe } from './helpers/cli.js';
import { buildImage, writeLayout } from './helpers/oci-fixtures.js';
import { ok } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const store = join(dir, 'store');
let server: Awaited<ReturnType<typeof startServe>>;
let host: string;
const digests: Record<string, string> = {};
const sha = (b: string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

beforeAll(async () => {
  const images: [string, string][] = [
    ['registry.k8s.io/kube-apiserver', 'v1.35.4'],
    ['quay.io/calico/node', 'v3.31.5'],
    ['docker.io/library/nginx', '1.28'],
    ['quay.io/library/nginx', '1.28'],
  ];
  const lines = ['version: 1', 'images:'];
  for (const [name, tag] of images) {
    const layout = join(dir, 'layouts', name.replaceAll('/', '_'));
    const desc = buildImage(layout, { files: { [`etc/${name.replaceAll('/', '_')}`]: name } });
    writeLayout(layout, { [tag]: desc });
    digests[name] = desc.digest;
    lines.push(`  - layout: ${layout}`, `    name: ${name}`);
  }
  writeFileSync(join(dir, 'airlock.yaml'), lines.join('\n') + '\n');
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
  server = await startServe(store);
  host = new URL(server.url).host;
});
afterAll(() => server?.stop());

const inspect = (ref: string) => run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/${ref}`]);

describe('names without their upstream registry', () => {
  it('resolve to the one upstream that has them', async () => {
    const api = await inspect('kube-apiserver:v1.35.4');
    expect(api.code, api.stderr).toBe(0);
    expect(sha(api.stdout)).toBe(digests['registry.k8s.io/kube-apiserver']);
    const calico = await inspect('calico/node:v3.31.5');
    expect(sha(calico.stdout)).toBe(digests['quay.io/calico/node']);
    const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${host}/calico/node`]);
    expect(JSON.parse(tags.stdout).Tags).toEqual(['v3.31.5']);
  });

  it('are refused with every candidate named when two upstreams have them', async () => {
    const r = await fetch(`${server.url}/v2/library/nginx/manifests/1.28`);
    expect(r.status).toBe(404);
    const body = (await r.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]!.code).toBe('NAME_UNKNOWN');
    expect(body.errors[0]!.message).toContain('docker.io/library/nginx');
    expect(body.errors[0]!.message).toContain('quay.io/library/nginx');
    // The full names stay the way to pull each.
    expect(sha((await inspect('docker.io/library/nginx:1.28')).stdout)).toBe(digests['docker.io/library/nginx']);
    expect(sha((await inspect('quay.io/library/nginx:1.28')).stdout)).toBe(digests['quay.io/library/nginx']);
  });

  it('stay unknown when no upstream has them', async () => {
    expect((await fetch(`${server.url}/v2/nosuch/image/manifests/1`)).status).toBe(404);
  });
});
