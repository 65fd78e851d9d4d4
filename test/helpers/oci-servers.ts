// Real servers for the OCI tests: Debian's docker-registry (distribution 2.8.2) as the upstream and push
// target, with anonymous, htpasswd or token auth; a token server the test runs itself (ES256 JWTs signed
// with a self-signed certificate that docker-registry trusts); containerd on a private socket.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run } from './cli.js';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function waitFor(url: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not come up`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

export interface Registry {
  host: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
}

/** docker-registry with filesystem storage, deletes on, optional htpasswd or token auth. */
export async function startDockerRegistry(dir: string, opts: { htpasswd?: string; token?: TokenAuth } = {}): Promise<Registry> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const auth = opts.htpasswd
    ? `auth:\n  htpasswd:\n    realm: test\n    path: ${opts.htpasswd}\n`
    : opts.token
      ? `auth:\n  token:\n    realm: ${opts.token.realm}\n    service: ${opts.token.service}\n    issuer: ${opts.token.issuer}\n    rootcertbundle: ${opts.token.certFile}\n`
      : '';
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:${port}
${auth}`;
  writeFileSync(join(dir, 'registry.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/v2/`);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start: ${err}`, { cause: e });
  }
  return { host: `127.0.0.1:${port}`, url, dir, stop: stopper(child) };
}

export function htpasswdFile(file: string, user: string, password: string): string {
  writeFileSync(file, execFileSync('htpasswd', ['-Bbn', user, password]).toString().trim() + '\n');
  return file;
}

export interface TokenServer extends TokenAuth {
  issued: number;
  /** Lifetime of the tokens issued from now on (seconds; may be changed by a test). */
  ttlSeconds: number;
  /**
   * Added to each token's `exp` claim only (not to expires_in): docker-registry allows 60 s of clock
   * leeway, so -60 makes a token really expire after ttlSeconds.
   */
  expSkewSeconds: number;
  stop(): Promise<void>;
}

/**
 * A Distribution token server (the `WWW-Authenticate: Bearer realm=…` flow): checks Basic credentials
 * when given, grants the requested scope, signs an ES256 JWT with an x5c header. `ttlSeconds` short
 * tokens exercise re-authentication mid-collect.
 */
export async function startTokenServer(dir: string, users: Record<string, string>, opts: { ttlSeconds?: number } = {}): Promise<TokenServer> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=airlock-test-token']);
  const key = createPrivateKey(readFileSync(keyFile));
  const certDer = readFileSync(certFile, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const service = 'test-registry';
  const issuer = 'airlock-test-issuer';
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const state = { issued: 0, ttlSeconds: opts.ttlSeconds ?? 300, expSkewSeconds: 0 };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const authz = req.headers.authorization;
    let subject = '';
    if (authz) {
      const [user, pass] = Buffer.from(authz.replace(/^Basic /, ''), 'base64').toString().split(':');
      if (!user || users[user] !== pass) {
        res.writeHead(401).end('{"details":"bad credentials"}');
        return;
      }
      subject = user;
    }
    const access = u.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      const allowed = (actions ?? '').split(',').filter((a) => a === 'pull' || (subject && (a === 'push' || a === '*')));
      return type && name ? [{ type, name, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const ttl = state.ttlSeconds;
    const header = { alg: 'ES256', typ: 'JWT', x5c: [certDer] };
    const claims = { iss: issuer, sub: subject, aud: u.searchParams.get('service'), exp: now + ttl + state.expSkewSeconds, nbf: now - 5, iat: now, jti: randomUUID(), access };
    const input = `${b64(header)}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    state.issued++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${input}.${sig}`, expires_in: ttl, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return Object.assign(state, {
    realm,
    service,
    issuer,
    certFile,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  });
}

export interface Containerd {
  sock: string;
  ctr(args: string[]): ReturnType<typeof run>;
  stop(): Promise<void>;
}

/** containerd as root with a private config, root, state and socket (no CRI). */
export async function startContainerd(dir: string): Promise<Containerd> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'containerd.sock');
  writeFileSync(
    join(dir, 'config.toml'),
    `version = 2
root = "${join(dir, 'root')}"
state = "${join(dir, 'state')}"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[debug]
  address = "${sock}.debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "${join(dir, 'opt')}"
`,
  );
  const child = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const until = Date.now() + 20_000;
  for (;;) {
    const r = await run('ctr', ['--address', sock, 'version']);
    if (r.code === 0) break;
    if (Date.now() > until || child.exitCode !== null) throw new Error(`containerd did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { sock, ctr: (args) => run('ctr', ['--address', sock, '-n', 'test', ...args]), stop: stopper(child) };
}
