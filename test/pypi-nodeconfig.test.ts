// etc/pip.conf and etc/uv/uv.toml from site.yaml: the rendering, and real pip installing a collected
// package from airlock with nothing but the rendered pip.conf to tell it where the index is.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../src/config/site.js';
import { renderNodeConfig } from '../src/nodeconfig/index.js';
import { startServe } from './helpers/cli.js';
import { ok } from './helpers/pipeline.js';
import { buildPypiFixture, startPypiIndex, type PypiIndex } from './helpers/pypi-index.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
let index: PypiIndex;
let server: Awaited<ReturnType<typeof startServe>>;
const file = (config: ReturnType<typeof renderNodeConfig>, path: string) => config.files.find((f) => f.path === path)?.content;
const site = (name: string, text: string) => (writeFileSync(join(dir, name), text), loadSite(join(dir, name)));

beforeAll(async () => {
  index = await startPypiIndex(join(dir, 'upstream'), buildPypiFixture(join(dir, 'upstream')));
  writeFileSync(join(dir, 'airlock.yaml'), `version: 1\npython:\n  - index: ${index.url}\n    targets: [ { python: "3.11", platform: manylinux_2_36_x86_64 } ]\n    requirements: [ "beta" ]\n`);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
  server = await startServe(join(dir, 'store'));
});
afterAll(async () => {
  await server?.stop();
  await index?.close();
});

describe('pip and uv node configuration', () => {
  it('names the index, and trusts the plain-HTTP host only without TLS', () => {
    const config = renderNodeConfig(site('plain.yaml', 'domain: airgap.internal\nadmin: { name: admin, address: 192.168.10.10 }\nservices: [repo]\nhttp: { listen: "0.0.0.0:8080" }\ndns: { listen: ["0.0.0.0:53"] }\n'));
    expect(file(config, 'etc/pip.conf')).toMatch(/^\[global\]\nindex-url = http:\/\/repo\.airgap\.internal:8080\/pypi\/simple\/\ntrusted-host = repo\.airgap\.internal:8080$/m);
    expect(file(config, 'etc/uv/uv.toml')).toMatch(/^index-url = "http:\/\/repo\.airgap\.internal:8080\/pypi\/simple\/"$/m);
    expect(file(config, 'etc/uv/uv.toml')).not.toContain('native-tls');
  });

  it('real pip installs from airlock with only the rendered pip.conf', async () => {
    const port = new URL(server.url).port;
    const config = renderNodeConfig(site('local.yaml', `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "127.0.0.1:${port}" }\n`));
    const conf = join(dir, 'node', 'etc', 'pip.conf');
    mkdirSync(join(dir, 'node', 'etc'), { recursive: true });
    writeFileSync(conf, file(config, 'etc/pip.conf')!);
    // A clean environment: no PIP_* variables and an empty HOME, so only the rendered file names an index.
    const env = { PATH: process.env.PATH!, HOME: join(dir, 'node'), PIP_CONFIG_FILE: conf };
    const r = await promisify(execFile)('python3', ['-m', 'pip', 'install', '--no-cache-dir', '--target', join(dir, 'node', 'site'), 'beta'], { env }).catch((e: { stdout: string; stderr: string }) => e);
    expect(r.stdout, r.stderr).toContain(`Looking in indexes: http://127.0.0.1:${port}/pypi/simple/`);
    expect(readFileSync(join(dir, 'node', 'site', 'beta', '__init__.py'), 'utf8')).toContain('"1.0"');
  });
});
