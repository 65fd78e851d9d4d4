// Upstreams that close the connection right after the body (HTTP/1.0 file servers, `Connection: close`,
// bodies delimited by the close itself) while collect is still writing the previous bytes to disk.
// undici 7 asserted on that (nodejs/undici#5360) and the uncaught AssertionError ended the whole
// collect; these tests fail on any such crash because the CLI runs as a child process and must exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, run } from './helpers/cli.js';
import { freePort, waitFor } from './helpers/oci-servers.js';
import { writeManifest } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = tempDir();

type Framing = 'content-length' | 'http/1.0' | 'until-close' | 'truncated';

/** A bare TCP upstream: one response per connection, then FIN (socket.end()) right after the body. */
function startRawUpstream(files: Map<string, Buffer>, framing: (path: string) => Framing): Promise<{ url: string; server: Server }> {
  const server = createServer((sock: Socket) => {
    let head = '';
    sock.on('error', () => {});
    sock.on('data', async (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = /^GET (\S+)/.exec(head)?.[1] ?? '/';
      const body = files.get(path);
      if (!body) return void sock.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      const how = framing(path);
      const status = how === 'http/1.0' || how === 'until-close' ? 'HTTP/1.0 200 OK' : 'HTTP/1.1 200 OK';
      const length = how === 'until-close' ? '' : `content-length: ${body.length}\r\n`;
      const sent = how === 'truncated' ? body.subarray(0, body.length >> 1) : body;
      sock.write(`${status}\r\n${length}last-modified: Thu, 01 Jan 2026 00:00:00 GMT\r\nconnection: close\r\n\r\n`);
      // In pieces, as file servers send (python's http.server copies 64 KiB at a time), then FIN at once.
      for (let at = 0; at < sent.length && !sock.destroyed; at += 65536) {
        sock.write(sent.subarray(at, at + 65536));
        await new Promise((r) => setImmediate(r));
      }
      sock.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('an upstream that sends the whole body, then FIN, to a slow consumer', () => {
  const files = new Map<string, Buffer>();
  let up: { url: string; server: Server };
  beforeAll(async () => {
    for (let i = 0; i < 50; i++) files.set(`/f${i}`, randomBytes(1_000_000 + i * 1000));
    files.set('/close', randomBytes(400_000));
    files.set('/short', randomBytes(400_000));
    up = await startRawUpstream(files, (p) => (p === '/close' ? 'until-close' : p === '/short' ? 'truncated' : Number(p.slice(2)) % 2 ? 'http/1.0' : 'content-length'));
  });
  afterAll(() => up.server.close());

  it('the HTTP client reads 50 such bodies with a consumer that pauses on every chunk: no crash', async () => {
    // A child process, so an uncaught exception shows as its death instead of taking the test runner down.
    const script = `
      import { UpstreamHttp } from './dist/collect/http.js';
      import { createHash } from 'node:crypto';
      const http = new UpstreamHttp({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });
      const out = [];
      for (const path of process.argv.slice(1)) {
        try {
          const res = await http.send('${up.url}' + path);
          const hash = createHash('sha256');
          for await (const chunk of res.body) { hash.update(chunk); await new Promise((r) => setTimeout(r, 2)); }
          out.push(path + ' ' + hash.digest('hex'));
        } catch (err) { out.push(path + ' error ' + err.message); }
      }
      await http.close();
      console.log(out.join('\\n'));`;
    const paths = [...files.keys()];
    const r = await run(process.execPath, ['--input-type=module', '-e', script, ...paths], { cwd: join(import.meta.dirname, '..') });
    expect(r.stderr).not.toContain('AssertionError');
    expect(r.code, r.stderr).toBe(0);
    const lines = new Map(r.stdout.trim().split('\n').map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)]));
    for (let i = 0; i < 50; i++) expect(lines.get(`/f${i}`)).toBe(sha256(files.get(`/f${i}`)!));
    // A body delimited by the close itself is whole; one cut short of its Content-Length is an error, not a crash.
    expect(lines.get('/close')).toBe(sha256(files.get('/close')!));
    expect(lines.get('/short')).toMatch(/^error /);
  });

  it('collect fetches 50 of them into the store in one run and exits 0', async () => {
    const entries = [...files.entries()].filter(([p]) => /^\/f\d+$/.test(p)).map(([p, b]) => ({ url: up.url + p, sha256: sha256(b) }));
    const manifest = writeManifest(dir, entries, 'raw.yaml');
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'raw-store'), '--json', '-j', '4']);
    expect(r.stderr).not.toContain('AssertionError');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).downloaded.count).toBe(50);
  });

  it('a body cut short of its Content-Length fails that entry by its URL after the retries, and the others are still fetched', async () => {
    const entries = [
      { url: up.url + '/f1', sha256: sha256(files.get('/f1')!) },
      { url: up.url + '/short', sha256: sha256(files.get('/short')!) },
      { url: up.url + '/f2', sha256: sha256(files.get('/f2')!) },
    ];
    const manifest = writeManifest(dir, entries, 'short.yaml');
    const store = join(dir, 'short-store');
    const r = await airlock(['collect', '-f', manifest, '--store', store, '--retries', '1'], { env: { AIRLOCK_LOG_LEVEL: 'error' } });
    expect(r.code).toBe(5);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr.trim().split('\n').pop()).toContain(`${up.url}/short`);
    // The two good entries were committed: a second run downloads nothing for them.
    const again = await airlock(['collect', '-f', writeManifest(dir, [entries[0]!, entries[2]!], 'good.yaml'), '--store', store, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).reused.count).toBe(2);
  });
});

describe('an entry that fails with an error nobody expected', () => {
  it('a read error in a layout entry (EIO from /proc/self/mem) fails that entry by name, not the process', async () => {
    const files = new Map([['/ok', randomBytes(200_000)]]);
    const up = await startRawUpstream(files, () => 'content-length');
    try {
      const manifest = writeManifest(dir, [{ url: `${up.url}/ok`, sha256: sha256(files.get('/ok')!) }], 'eio.yaml');
      writeFileSync(manifest, readFileSync(manifest, 'utf8') + 'images:\n  - layout: /proc/self/mem\n    name: team/eio\n');
      const store = join(dir, 'eio-store');
      const r = await airlock(['collect', '-f', manifest, '--store', store]);
      expect(r.stderr).not.toContain("Unhandled 'error' event");
      expect(r.stderr).not.toContain('    at ');
      expect(r.code).toBe(74);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^airlock: .*images entry .*\/proc\/self\/mem: EIO/);
      // The file entry was fetched and committed all the same.
      const again = await airlock(['collect', '-f', writeManifest(dir, [{ url: `${up.url}/ok`, sha256: sha256(files.get('/ok')!) }], 'eio-ok.yaml'), '--store', store, '--json']);
      expect(JSON.parse(again.stdout).reused.count).toBe(1);
    } finally {
      up.server.close();
    }
  });
});

describe("python3's http.server as the upstream", () => {
  const root = join(dir, 'www');
  let python: ChildProcess;
  let base: string;
  const served: { url: string; sha256: string }[] = [];
  beforeAll(async () => {
    mkdirSync(root);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    for (const [name, size] of [['big', 20 * 1024 * 1024], ['tiny', 6], ['mid', 5 * 1024 * 1024]] as const) {
      const data = randomBytes(size);
      writeFileSync(join(root, name), data);
      served.push({ url: `${base}/${name}`, sha256: sha256(data) });
    }
    python = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], { stdio: 'ignore' });
    await waitFor(`${base}/tiny`);
  });
  afterAll(() => void python?.kill('SIGTERM'));

  it('collects a 20 MiB, a 6 B and a 5 MiB file five times over, with no crash and the right digests', async () => {
    const manifest = writeManifest(dir, served, 'python.yaml');
    for (let run = 0; run < 5; run++) {
      const store = join(dir, `python-${run}`);
      const r = await airlock(['collect', '-f', manifest, '--store', store, '--lock', join(store, 'lock'), '--json']);
      expect(r.stderr).not.toContain('AssertionError');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).downloaded.count).toBe(3);
      const lock = JSON.parse(readFileSync(join(store, 'lock'), 'utf8'));
      expect(lock.entries.files.map((f: { sha256: string }) => f.sha256)).toEqual(served.map((s) => s.sha256));
    }
  });
});
