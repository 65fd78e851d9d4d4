// Collect through a corporate proxy, the usual way out of a bastion: HTTP_PROXY / HTTPS_PROXY / NO_PROXY
// as curl and docker read them, with tinyproxy as the real proxy the test starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { freePort } from './helpers/oci-servers.js';
import { writeManifest } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';

const dir = tempDir();
let up: Upstream;
let proxy: ChildProcess;
let proxyUrl: string;
let manifest: string;

beforeAll(async () => {
  up = await startUpstream();
  manifest = writeManifest(dir, [up.add('/release/v1.33.7/bin/linux/amd64/kubectl', randomFile(300_000))]);
  const port = await freePort();
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    `Port ${port}\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 20\nLogLevel Info\nLogFile "${join(dir, 'tinyproxy.log')}"\nPidFile "${join(dir, 'tinyproxy.pid')}"\n`,
  );
  proxy = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  proxyUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (readLog().includes('listening on')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => {
  proxy?.kill('SIGTERM');
  await up?.close();
});

function readLog(): string {
  try {
    return readFileSync(join(dir, 'tinyproxy.log'), 'utf8');
  } catch {
    return '';
  }
}

describe('collect behind a proxy', () => {
  it('goes through HTTP_PROXY', async () => {
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'a'), '--json'], { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).downloaded.count).toBe(1);
    expect(readLog()).toContain(new URL(up.url).host);
  });

  it('bypasses the proxy for NO_PROXY hosts', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'b'), '--json'], { env: { HTTP_PROXY: dead, NO_PROXY: '127.0.0.1' } });
    expect(r.code, r.stderr).toBe(0);
  });

  it('a proxy that does not answer is one line naming the URL, after the retries', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'c'), '--retries', '1'], { env: { HTTP_PROXY: dead, NO_PROXY: '', AIRLOCK_LOG_LEVEL: 'error' } });
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^airlock: ${up.url.replace(/[.]/g, '\\.')}/release/v1\\.33\\.7/bin/linux/amd64/kubectl: .*ECONNREFUSED`));
  });
});
