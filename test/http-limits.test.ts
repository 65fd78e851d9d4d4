// HTTP connection limits of `airlock serve` (site.yaml http.limits), driven by a bounded hold-open
// client on loopback: idle and slowloris connections are closed, a slow download that keeps moving is
// not, one address cannot take every connection, and HTTP load cannot starve DNS over TCP of file
// descriptors.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { AIRLOCK_BIN, airlock, firstJson, run } from './helpers/cli.js';
import { HoldOpen, until } from './helpers/hold.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const storeDir = join(dir, 'store');
const BIG = 16 * 1024 * 1024;
const path = '/files/bench.invalid/big.bin';
const children: ChildProcess[] = [];
let holder = new HoldOpen();

beforeAll(async () => {
  const store = await Store.open(storeDir, { create: true });
  const blob = await store.blobs.ingest([randomBytes(BIG)]);
  await store.addArtifact({ kind: 'file', name: 'bench.invalid/big.bin', blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
  store.close();
});
afterEach(() => {
  holder.release();
  holder = new HoldOpen();
});
afterAll(() => children.forEach((c) => c.kill('SIGTERM')));

interface Serving {
  url: string;
  port: number;
  dns?: string[];
  stderr: () => string;
}

/** `airlock serve --site` with `http.limits: { LIMITS }`, optionally DNS, optionally under `ulimit -n`. */
async function serve(limits: string, opts: { dns?: boolean; openFiles?: number; htpasswd?: string } = {}): Promise<Serving> {
  const site = join(dir, `site-${children.length}.yaml`);
  const dns = opts.dns ? 'dns: { listen: [ "127.0.0.1:0" ] }\n' : '';
  writeFileSync(site, `domain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nservices: [ registry ]\nhttp: { listen: "127.0.0.1:0", ${opts.htpasswd ? `htpasswd: "${opts.htpasswd}", ` : ''}limits: { ${limits} } }\n${dns}`);
  const args = [AIRLOCK_BIN, 'serve', '--store', storeDir, '--site', site, '--no-access-log', '--json'];
  const child = opts.openFiles
    ? spawn('sh', ['-c', `ulimit -n ${opts.openFiles} && exec "$0" "$@"`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const started = await firstJson<{ url: string; dns?: string[] }>(child);
  return { ...started, port: Number(new URL(started.url).port), stderr: () => stderr };
}

/** GET the big file on a raw socket, pausing `pauseMs` after each chunk read; resolves with the bytes received. */
function slowGet(port: number, pauseMs: number, opts: { stallAfterHeadersMs?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let received = 0;
    let stalled = false;
    socket.on('data', (d) => {
      received += d.length;
      socket.pause();
      const wait = opts.stallAfterHeadersMs && !stalled ? ((stalled = true), opts.stallAfterHeadersMs) : pauseMs;
      setTimeout(() => socket.resume(), wait);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}

/** A monolithic blob push (POST …/blobs/uploads/?digest=) whose body is sent in `parts` pieces `everyMs` apart. */
function slowPush(url: string, parts: Buffer[], everyMs: number, opts: { pauseBeforeLastMs?: number } = {}): Promise<number | string> {
  const all = Buffer.concat(parts);
  const digest = `sha256:${createHash('sha256').update(all).digest('hex')}`;
  return new Promise((resolve) => {
    const req = request(`${url}/v2/slow/push/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('pusher:pw').toString('base64')}`, 'content-length': all.length, 'content-type': 'application/octet-stream' },
    });
    req.on('response', (res) => resolve(res.statusCode!));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    const send = (i: number) => {
      if (i === parts.length || req.destroyed) return void req.end();
      req.write(parts[i]);
      const wait = i === parts.length - 2 && opts.pauseBeforeLastMs ? opts.pauseBeforeLastMs : everyMs;
      setTimeout(() => send(i + 1), wait);
    };
    send(0);
  });
}

describe('HTTP connection limits', () => {
  it('closes idle connections and slowloris headers after their timeouts, and never cuts a slow download that keeps moving', async () => {
    const s = await serve('headers-timeout: 1, idle-timeout: 1, stall-timeout: 1');
    const slow = slowGet(s.port, 20);
    const started = Date.now();
    const idle = await holder.open(s.port, 20);
    const slowloris = await holder.open(s.port, 20, { slowlorisMs: 200 });
    expect(await until(() => [...idle, ...slowloris].every((h) => h.closed), 15_000)).toBe(true);
    // The slowloris ones were never served: at most Node's 408 before the close.
    expect(slowloris.map((h) => h.head.slice(0, 12)).filter((head) => head !== '' && head !== 'HTTP/1.1 408')).toEqual([]);
    // 16 MiB read in 64 KiB steps 20 ms apart takes seconds, well past every 1 s timeout, yet completes.
    const got = await slow;
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(got).toBeGreaterThan(BIG);
  });

  it('closes a download the client stopped reading (stall timeout), and a keep-alive connection once idle', async () => {
    const s = await serve('stall-timeout: 1, idle-timeout: 1');
    // Reads the first bytes, then nothing for 5 s: far more than the socket buffers can take is left.
    const stalled = await slowGet(s.port, 0, { stallAfterHeadersMs: 5000 });
    expect(stalled).toBeLessThan(BIG);
    const [keepAlive] = await holder.open(s.port, 1);
    keepAlive!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await until(() => keepAlive!.closed, 10_000)).toBe(true);
    expect(keepAlive!.received).toBeGreaterThan(0);
  });

  it('a slow push body that keeps moving is stored; one that stops for longer than the stall timeout is cut', async () => {
    htpasswdFile(join(dir, 'push.htpasswd'), 'pusher', 'pw');
    const s = await serve('stall-timeout: 1, headers-timeout: 1, idle-timeout: 1', { htpasswd: './push.htpasswd' });
    const parts = Array.from({ length: 30 }, () => randomBytes(4096));
    // 30 pieces 100 ms apart: 3 s in all, three times every timeout.
    expect(await slowPush(s.url, parts, 100)).toBe(201);
    const stalled = await slowPush(s.url, parts.slice(0, 3), 100, { pauseBeforeLastMs: 4000 });
    expect(stalled, "the connection is closed under the stalled body").toMatch(/^E[A-Z]+$/);
  });

  it('refuses the connection past max-connections-per-client with one log line, while another address is served', async () => {
    const s = await serve('max-connections-per-client: 5');
    const five = await holder.open(s.port, 5);
    const [sixth] = await holder.open(s.port, 1);
    expect(await until(() => sixth!.closed, 5000)).toBe(true);
    expect(five.every((h) => !h.closed)).toBe(true);
    const other = await run('curl', ['-sf', '--interface', '127.0.0.2', `${s.url}/healthz`]);
    expect(other.code).toBe(0);
    expect(await until(() => /"reason":"max-connections-per-client".*"remote":"127\.0\.0\.1"/.test(s.stderr()), 5000)).toBe(true);
    const metrics = await run('curl', ['-sf', '--interface', '127.0.0.2', `${s.url}/metrics`]);
    expect(metrics.stdout).toMatch(/^airlock_http_connections_refused_total\{limit="max-connections-per-client"\} [1-9]/m);
    expect(metrics.stdout).toMatch(/^airlock_http_connections [5-9]$/m);
    // Once the holder lets go, the first address is served again.
    holder.release();
    expect((await run('curl', ['-sf', '--retry', '5', '--retry-all-errors', '--retry-delay', '1', `${s.url}/healthz`])).code).toBe(0);
  });

  it('under a low open-file limit, HTTP takes only what it can carry: DNS over TCP still answers while HTTP is saturated', async () => {
    const s = await serve('max-connections-per-client: 100000', { dns: true, openFiles: 256 });
    expect(await until(() => /"maxConnections":96.*open-file limit caps HTTP connections/.test(s.stderr()), 5000)).toBe(true);
    // 400 held connections would need more descriptors than the process has.
    await holder.open(s.port, 200);
    await holder.open(s.port, 200, { localAddress: '127.0.0.2' });
    expect(await until(() => holder.stillOpen().length <= 96, 5000)).toBe(true);
    const [host, port] = s.dns![0]!.split(':');
    const tcp = await run('dig', [`@${host}`, '-p', port!, '+tcp', '+tries=1', '+time=5', 'registry.airgap.internal', '+short']);
    expect(tcp.stdout.trim()).toBe('10.0.0.1');
    expect(await until(() => /"reason":"max-connections"/.test(s.stderr()), 12_000)).toBe(true);
    // Hundreds of refusals, one line per 10 s.
    expect(s.stderr().match(/"reason":"max-connections"/g)!.length).toBeLessThanOrEqual(2);
  });

  it('a misspelt or out-of-range limit in site.yaml is one line naming file:line:column', async () => {
    const site = join(dir, 'bad-limits.yaml');
    writeFileSync(site, 'domain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nhttp:\n  limits:\n    max-conections: 10\n');
    const r = await airlock(['serve', '--store', storeDir, '--site', site]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad-limits\.yaml:5:\d+: .*unknown key "max-conections"/);
    writeFileSync(site, 'domain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nhttp: { limits: { idle-timeout: 0 } }\n');
    expect((await airlock(['serve', '--store', storeDir, '--site', site])).stderr).toMatch(/bad-limits\.yaml:3:\d+: /);
  });
});
