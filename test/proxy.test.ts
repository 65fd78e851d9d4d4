// Collect through a corporate proxy, the usual way out of a bastion: HTTP_PROXY / HTTPS_PROXY / NO_PROXY
// as curl and docker read them, with tinyproxy as the real proxy the test starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyFor } from '../src/collect/proxy.js';
import { airlock, run } from './helpers/cli.js';
import { freePort } from './helpers/oci-servers.js';
import { writeManifest } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { randomFile, sha256Hex, startUpstream, type Upstream } from './helpers/upstream.js';

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

describe('collect of an https:// URL behind a proxy', () => {
  let secure: Server;
  let url: string;
  const body = randomFile(500_000);
  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1: trusted only through NODE_EXTRA_CA_CERTS.
    const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'up.key'), '-out', join(dir, 'up.crt')]);
    expect(made.code, made.stderr).toBe(0);
    secure = createHttpsServer({ key: readFileSync(join(dir, 'up.key')), cert: readFileSync(join(dir, 'up.crt')) }, (_req, res) => res.end(body));
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/kubectl`;
  });
  afterAll(() => void secure?.close());

  it('tunnels through HTTPS_PROXY with CONNECT and checks the certificate of the upstream itself', async () => {
    const file = join(dir, 'https.yaml');
    writeFileSync(file, `version: 1\nfiles:\n  - url: ${url}\n    sha256: ${sha256Hex(body)}\n`);
    const env = { HTTPS_PROXY: proxyUrl, NO_PROXY: '', AIRLOCK_LOG_LEVEL: 'error' };
    const r = await airlock(['collect', '-f', file, '--store', join(dir, 'd'), '--json'], { env: { ...env, NODE_EXTRA_CA_CERTS: join(dir, 'up.crt') } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).downloaded.count).toBe(1);
    expect(readLog()).toContain(`CONNECT ${new URL(url).host}`);
    const untrusted = await airlock(['collect', '-f', file, '--store', join(dir, 'e'), '--retries', '1'], { env });
    expect(untrusted.code).toBe(5);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('which proxy a URL goes through (HTTP_PROXY, HTTPS_PROXY, NO_PROXY as curl and docker read them)', () => {
  const via = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), env)?.host;
  it('picks the proxy by scheme; https falls back to HTTP_PROXY; lower case wins', () => {
    expect(via('http://a.example/x', { HTTP_PROXY: 'http://p:1' })).toBe('p:1');
    expect(via('https://a.example/x', { HTTP_PROXY: 'http://p:1' })).toBe('p:1');
    expect(via('https://a.example/x', { HTTP_PROXY: 'http://p:1', HTTPS_PROXY: 'p:2' })).toBe('p:2');
    expect(via('http://a.example/x', { HTTPS_PROXY: 'http://p:2' })).toBeUndefined();
    expect(via('http://a.example/x', { HTTP_PROXY: 'http://P:1', http_proxy: 'http://q:3' })).toBe('q:3');
  });
  it('NO_PROXY: hosts and their subdomains, a leading dot or *., ports, and *', () => {
    const env = { HTTP_PROXY: 'http://p:1', HTTPS_PROXY: 'http://p:1' };
    expect(via('http://example.com/x', { ...env, NO_PROXY: 'example.com' })).toBeUndefined();
    expect(via('http://dl.example.com/x', { ...env, NO_PROXY: '.example.com' })).toBeUndefined();
    expect(via('http://dl.example.com/x', { ...env, NO_PROXY: '*.example.com' })).toBeUndefined();
    expect(via('http://badexample.com/x', { ...env, NO_PROXY: 'example.com' })).toBe('p:1');
    expect(via('https://r.internal/x', { ...env, NO_PROXY: 'r.internal:443' })).toBeUndefined();
    expect(via('http://r.internal/x', { ...env, NO_PROXY: 'r.internal:443' })).toBe('p:1');
    expect(via('http://anything/x', { ...env, no_proxy: '*' })).toBeUndefined();
    expect(via('http://127.0.0.1:5000/x', { ...env, NO_PROXY: 'localhost, 127.0.0.1' })).toBeUndefined();
  });
  it('a proxy setting that is not a URL is a usage error', () => {
    expect(() => via('http://a/x', { HTTP_PROXY: 'http://[bad' })).toThrow(/not a URL/);
  });
});
