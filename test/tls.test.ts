// HTTPS for the admin server: `airlock tls` makes the site CA and a certificate with site.yaml's names
// (checked with openssl), `airlock serve` uses it (curl with and without the CA), skopeo pushes and pulls
// trusting only the CA nodeconfig renders, and containerd pulls through the rendered https mirror.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, airlock, airlockProcess, firstJson, run } from './helpers/cli.js';
import { buildBusyboxImage, writeLayout } from './helpers/oci-fixtures.js';
import { freePort, htpasswdFile, startContainerd, type Containerd } from './helpers/oci-servers.js';
import { tempDir } from './helpers/tmp.js';
import type { ChildProcess } from 'node:child_process';

const dir = tempDir();
const tls = join(dir, 'tls');
const site = join(dir, 'site.yaml');
let port: number;

beforeAll(async () => {
  port = await freePort();
  htpasswdFile(join(dir, 'htpasswd'), 'pusher', 's3cret');
  // Paths in site.yaml are relative to it; airlock tls writes exactly these names.
  writeFileSync(
    site,
    `domain: airgap.internal
admin: { name: admin, address: 127.0.0.1 }
services: [registry]
http:
  listen: "127.0.0.1:${port}"
  htpasswd: htpasswd
  tls: { cert: tls/server.crt, key: tls/server.key, ca: tls/ca.crt }
`,
  );
});

describe('airlock tls', () => {
  it('makes a site CA and a server certificate carrying every name of the admin server', async () => {
    const r = await airlock(['tls', '--site', site, '--out', tls, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).ca.outcome).toBe('made');
    expect(statSync(join(tls, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(tls, 'server.key')).mode & 0o777).toBe(0o600);
    const verify = await run('openssl', ['verify', '-CAfile', join(tls, 'ca.crt'), join(tls, 'server.crt')]);
    expect(verify.stdout.trim()).toBe(`${join(tls, 'server.crt')}: OK`);
    const ext = await run('openssl', ['x509', '-in', join(tls, 'server.crt'), '-noout', '-ext', 'subjectAltName,extendedKeyUsage']);
    for (const name of ['DNS:admin.airgap.internal', 'DNS:registry.airgap.internal', 'DNS:registry', 'IP Address:127.0.0.1', 'TLS Web Server Authentication']) expect(ext.stdout).toContain(name);
  });

  it('keeps the CA on a rerun and issues a new server certificate', async () => {
    const ca = readFileSync(join(tls, 'ca.crt'));
    const server = readFileSync(join(tls, 'server.crt'));
    const r = await airlock(['tls', '--site', site, '--out', tls, '--json', '--name', 'vip.airgap.internal']);
    expect(JSON.parse(r.stdout).ca.outcome).toBe('kept');
    expect(readFileSync(join(tls, 'ca.crt')).equals(ca)).toBe(true);
    expect(readFileSync(join(tls, 'server.crt')).equals(server)).toBe(false);
    expect((await run('openssl', ['x509', '-in', join(tls, 'server.crt'), '-noout', '-ext', 'subjectAltName'])).stdout).toContain('DNS:vip.airgap.internal');
  });

  it('refuses to replace a CA whose key is missing', async () => {
    const half = join(dir, 'half');
    expect((await airlock(['tls', '--site', site, '--out', half])).code).toBe(0);
    const caCert = readFileSync(join(half, 'ca.crt'));
    rmSync(join(half, 'ca.key'));
    const r = await airlock(['tls', '--site', site, '--out', half]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(half, 'ca.crt')} is there but ca.key is not`);
    expect(readFileSync(join(half, 'ca.crt')).equals(caCert)).toBe(true);
  });

  it('with ca.key but no ca.crt (an interrupted first run, a lost file) remakes the certificate for the same key', async () => {
    const lost = join(dir, 'lost');
    expect((await airlock(['tls', '--site', site, '--out', lost])).code).toBe(0);
    const oldCa = join(dir, 'old-ca.crt');
    writeFileSync(oldCa, readFileSync(join(lost, 'ca.crt')));
    rmSync(join(lost, 'ca.crt'));
    const r = await airlock(['tls', '--site', site, '--out', lost, '--json']);
    expect(JSON.parse(r.stdout).ca.outcome).toBe('certificate-remade');
    // The new server certificate verifies against the remade CA and against the one nodes already trust.
    for (const ca of [join(lost, 'ca.crt'), oldCa]) {
      expect((await run('openssl', ['verify', '-CAfile', ca, join(lost, 'server.crt')])).stdout.trim()).toBe(`${join(lost, 'server.crt')}: OK`);
    }
  });
});

describe('serving HTTPS', () => {
  let serve: ChildProcess;
  let url: string;
  let containerd: Containerd;
  const node = join(dir, 'node');
  const layout = join(dir, 'layout');

  beforeAll(async () => {
    writeFileSync(join(dir, 'empty.yaml'), 'version: 1\n');
    expect((await airlock(['collect', '-f', join(dir, 'empty.yaml'), '--store', join(dir, 'store'), '-q'])).code).toBe(0);
    serve = airlockProcess(['serve', '--site', site, '--store', join(dir, 'store'), '--json']);
    url = (await firstJson<{ url: string }>(serve)).url;
    writeLayout(layout, { busybox: buildBusyboxImage(layout) });
    containerd = await startContainerd(join(dir, 'containerd'));
  });
  afterAll(async () => {
    serve?.kill('SIGTERM');
    await containerd?.stop();
  });

  it('serves https:// with the certificate: curl trusts it through the site CA only', async () => {
    expect(url).toBe(`https://127.0.0.1:${port}`);
    const trusted = await run('curl', ['-sS', '--cacert', join(tls, 'ca.crt'), `${url}/healthz`]);
    expect(trusted.code, trusted.stderr).toBe(0);
    const untrusted = await run('curl', ['-sS', `${url}/healthz`]);
    expect(untrusted.code).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
  });

  it('the dashboard offers the node configuration with the site CA (site.yaml http.tls.ca)', async () => {
    const page = await run('curl', ['-sS', '--cacert', join(tls, 'ca.crt'), `${url}/ui/nodeconfig`]);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout).toContain('<code>etc/airlock/ca.crt</code>');
    expect(page.stdout).toContain(readFileSync(join(tls, 'ca.crt'), 'utf8').trim().split('\n')[1]);
  });

  it('skopeo pushes and pulls trusting the CA nodeconfig renders for nodes', async () => {
    const r = await run(process.execPath, [AIRLOCK_BIN, 'nodeconfig', '--site', site, '--out', node, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const paths = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['etc/airlock/ca.crt', 'usr/local/share/ca-certificates/airlock-site-ca.crt', 'etc/pki/ca-trust/source/anchors/airlock-site-ca.crt']));
    expect(readFileSync(join(node, 'etc/airlock/ca.crt')).equals(readFileSync(join(tls, 'ca.crt')))).toBe(true);
    const certDir = join(node, 'etc/airlock');
    const host = `127.0.0.1:${port}`;
    const push = await run('skopeo', ['copy', '--dest-cert-dir', certDir, '--dest-creds', 'pusher:s3cret', `oci:${layout}:busybox`, `docker://${host}/k8s.invalid/busybox:1`]);
    expect(push.code, push.stderr).toBe(0);
    const inspect = await run('skopeo', ['inspect', '--cert-dir', certDir, `docker://${host}/k8s.invalid/busybox:1`]);
    expect(inspect.code, inspect.stderr).toBe(0);
    const refused = await run('skopeo', ['inspect', `docker://${host}/k8s.invalid/busybox:1`]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate|x509/i);
  });

  it('containerd pulls through the rendered https mirror with the CA it names, and runs the image', async () => {
    const r = await run(process.execPath, [AIRLOCK_BIN, 'nodeconfig', '--site', site, '--store', join(dir, 'store'), '--out', node]);
    expect(r.code, r.stderr).toBe(0);
    const certs = join(node, 'etc/containerd/certs.d');
    const hostsToml = readFileSync(join(certs, 'k8s.invalid', 'hosts.toml'), 'utf8');
    expect(hostsToml).toContain(`[host."https://127.0.0.1:${port}"]`);
    // containerd reads the CA from the node path the file names; point it at this test's copy.
    writeFileSync(join(certs, 'k8s.invalid', 'hosts.toml'), hostsToml.replace('/etc/airlock/ca.crt', join(node, 'etc/airlock/ca.crt')));
    expect(existsSync(join(node, 'etc/airlock/ca.crt'))).toBe(true);
    const pull = await containerd.ctr(['image', 'pull', '--hosts-dir', certs, '--snapshotter', 'native', 'k8s.invalid/busybox:1']);
    expect(pull.code, pull.stderr).toBe(0);
    const runIt = await containerd.ctr(['run', '--rm', '--snapshotter', 'native', 'k8s.invalid/busybox:1', `tls${Date.now()}`, '/bin/echo', 'hello-over-https']);
    expect(runIt.stdout.trim()).toBe('hello-over-https');
  });

  it('collect over HTTPS a private CA signs: refused at once with a hint, fetched with NODE_EXTRA_CA_CERTS', async () => {
    // airlock's own HTTPS server as the upstream: the manifest as a plain file download.
    const manifest = join(dir, 'from-https.yaml');
    writeFileSync(manifest, `version: 1\nfiles:\n  - url: ${url}/v2/k8s.invalid/busybox/manifests/1\n`);
    const args = ['collect', '-f', manifest, '--store', join(dir, 'bastion')];
    const refused = await airlock(args, { env: { AIRLOCK_LOG_LEVEL: 'error' } });
    expect(refused.code).toBe(5);
    expect(refused.stderr.trim().split('\n').pop()).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE.*not trusted here.*NODE_EXTRA_CA_CERTS=/);
    const fetched = await airlock([...args, '--json'], { env: { NODE_EXTRA_CA_CERTS: join(tls, 'ca.crt') } });
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(JSON.parse(fetched.stdout).downloaded.count).toBe(1);
  });

  it('collects images over HTTPS from a loopback registry when the manifest says insecure: false', async () => {
    const manifest = join(dir, 'images-https.yaml');
    writeFileSync(manifest, `version: 1\nimages:\n  - ref: 127.0.0.1:${port}/k8s.invalid/busybox:1\n    insecure: false\n`);
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'bastion-images'), '--json', '--retries', '0'], { env: { NODE_EXTRA_CA_CERTS: join(tls, 'ca.crt') } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).artifacts).toBe(1);
  });

  it('SIGHUP takes a renewed certificate and new users without a restart; a broken file changes nothing', async () => {
    const ca = join(tls, 'ca.crt');
    const viaNewName = () => run('curl', ['-sS', '--cacert', ca, '--resolve', `new.airgap.internal:${port}:127.0.0.1`, `https://new.airgap.internal:${port}/healthz`]);
    const startUpload = (user: string) =>
      run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', ca, '-u', user, '-X', 'POST', `${url}/v2/team/hup/blobs/uploads/`]);
    expect((await airlock(['tls', '--site', site, '--out', tls, '--name', 'new.airgap.internal'])).code).toBe(0);
    expect((await run('htpasswd', ['-bB', join(dir, 'htpasswd'), 'second', 'pw2'])).code).toBe(0);
    expect((await viaNewName()).code).toBe(60); // still the old certificate
    expect((await startUpload('second:pw2')).stdout).toBe('401');
    serve.kill('SIGHUP');
    let after = await viaNewName();
    for (let i = 0; i < 50 && after.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await viaNewName();
    }
    expect(after.code, after.stderr).toBe(0);
    expect((await startUpload('second:pw2')).stdout).toBe('202');
    // A broken htpasswd on the next SIGHUP: refused, and the users loaded before keep working.
    writeFileSync(join(dir, 'htpasswd'), 'second:plaintext-not-bcrypt\n');
    serve.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 300));
    expect(serve.exitCode).toBe(null);
    expect((await startUpload('second:pw2')).stdout).toBe('202');
  });

  it('a key that is not the certificate’s is one line naming both files, exit 2', async () => {
    const other = join(dir, 'other');
    expect((await airlock(['tls', '--site', site, '--out', other])).code).toBe(0);
    const r = await airlock(['serve', '--store', join(dir, 'store'), '--listen', '127.0.0.1:0', '--tls-cert', join(tls, 'server.crt'), '--tls-key', join(other, 'server.key')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(other, 'server.key')} is not the key of ${join(tls, 'server.crt')}`);
  });
});
