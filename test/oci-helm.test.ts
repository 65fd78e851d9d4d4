// helm (v4, the real binary) pushes and pulls an OCI chart through airlock's registry with credentials.
import { join } from 'node:path';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { silentLogger } from '../src/core/log.js';
import { Store } from '../src/store/store.js';
import { tempDir } from './helpers/tmp.js';
import { run } from './helpers/cli.js';
import { fetchHelm } from './helpers/oci-helm.js';
import { htpasswdFile } from './helpers/oci-servers.js';

const root = tempDir('airlock-oci-helm-');
let server: RunningServer;
let helmBin: string;
let host: string;
const env = () => ({ HELM_CACHE_HOME: join(root, 'hc'), HELM_CONFIG_HOME: join(root, 'hcfg'), HELM_DATA_HOME: join(root, 'hd') });
const helm = (args: string[], cwd = root) => run(helmBin, args, { cwd, env: env() });

beforeAll(async () => {
  mkdirSync(join(root, 'helm-bin'), { recursive: true });
  helmBin = fetchHelm(join(root, 'helm-bin'));
  const storeDir = join(root, 'store');
  (await Store.open(storeDir, { create: true })).close();
  server = await startServer({ storeDir, host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: htpasswdFile(join(root, 'htpasswd'), 'charts', 'pw') });
  host = new URL(server.url).host;
}, 180_000);
afterAll(async () => server?.close());

describe('helm OCI', () => {
  it('pushes a chart with credentials and pulls it back byte for byte', async () => {
    expect((await helm(['create', 'demo'])).code).toBe(0);
    const pkg = await helm(['package', 'demo', '--version', '0.1.0', '-d', join(root, 'pkg')]);
    expect(pkg.code, pkg.stderr).toBe(0);
    const denied = await helm(['push', join(root, 'pkg', 'demo-0.1.0.tgz'), `oci://${host}/charts`, '--plain-http']);
    expect(denied.code).not.toBe(0);
    const login = await helm(['registry', 'login', host, '--username', 'charts', '--password', 'pw', '--plain-http']);
    expect(login.code, login.stderr).toBe(0);
    const push = await helm(['push', join(root, 'pkg', 'demo-0.1.0.tgz'), `oci://${host}/charts`, '--plain-http']);
    expect(push.code, push.stderr).toBe(0);
    const digest = /Digest: (sha256:[a-f0-9]{64})/.exec(push.stdout + push.stderr)?.[1];
    expect(digest).toBeDefined();
    mkdirSync(join(root, 'pulled'), { recursive: true });
    const pull = await helm(['pull', `oci://${host}/charts/demo`, '--version', '0.1.0', '--plain-http', '-d', join(root, 'pulled')]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout + pull.stderr).toContain(digest!);
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(readdirSync(join(root, 'pulled'))).toEqual(['demo-0.1.0.tgz']);
    expect(sha(join(root, 'pulled', 'demo-0.1.0.tgz'))).toBe(sha(join(root, 'pkg', 'demo-0.1.0.tgz')));
    const tags = await fetch(`${server.url}/v2/charts/demo/tags/list`);
    expect(await tags.json()).toEqual({ name: 'charts/demo', tags: ['0.1.0'] });
  });
});
