// The OCI kind's pure parts: references (Docker Hub defaults, ports, digests), served names, challenges,
// platform matching, manifest parsing, htpasswd.
import { describe, expect, it } from 'vitest';
import { parseImageRef, servedRepo, recordName, upstreamRegistries } from '../src/kinds/oci/names.js';
import { parseChallenge } from '../src/kinds/oci/upstream.js';
import { parseManifest, platformMatches } from '../src/kinds/oci/media.js';
import { credentialsFor, envKey } from '../src/kinds/oci/credentials.js';
import { HtpasswdAuth, parseBasicAuth } from '../src/http/auth.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('image references', () => {
  it('applies Docker Hub defaults', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: 'latest', digest: undefined });
    expect(parseImageRef('docker.io/library/nginx:1.28.0-alpine')).toMatchObject({ registry: 'docker.io', repository: 'library/nginx', tag: '1.28.0-alpine' });
    expect(parseImageRef('calico/node:v3')).toMatchObject({ registry: 'docker.io', repository: 'calico/node' });
    expect(parseImageRef('index.docker.io/foo/bar').registry).toBe('docker.io');
  });
  it('keeps registries with ports and digests', () => {
    expect(parseImageRef(`127.0.0.1:5000/team/app@${D}`)).toEqual({ registry: '127.0.0.1:5000', repository: 'team/app', tag: undefined, digest: D });
    expect(parseImageRef(`quay.io/calico/node:v3.30@${D}`)).toMatchObject({ tag: 'v3.30', digest: D });
    expect(parseImageRef('localhost/x').registry).toBe('localhost');
    expect(() => parseImageRef('quay.io/Bad/Name')).toThrow(/invalid repository/);
    expect(() => parseImageRef('x@sha256:abc')).toThrow(/digest/);
  });
  it('serves host:port names with an underscore, others unchanged', () => {
    expect(servedRepo('127.0.0.1:5000/team/app')).toBe('127.0.0.1_5000/team/app');
    expect(servedRepo('registry.k8s.io/pause')).toBe('registry.k8s.io/pause');
    expect(recordName(parseImageRef('registry.k8s.io/pause:3.10'))).toBe('registry.k8s.io/pause');
  });
  it('lists the upstream registries of record names, skipping pushed names and anything not a host', () => {
    const names = ['registry.k8s.io/pause', 'docker.io/library/nginx', 'registry.k8s.io/coredns/coredns', '127.0.0.1:5000/team/app', 'team/app', 'localhost/x', '../etc/x', '.hidden/x'];
    expect(upstreamRegistries(names)).toEqual(['127.0.0.1:5000', 'docker.io', 'localhost', 'registry.k8s.io']);
  });
});

describe('protocol details', () => {
  it('parses WWW-Authenticate challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
    expect(parseChallenge('Basic realm="x"')?.scheme).toBe('basic');
  });
  it('matches platforms with variants', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64')).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, 'linux/arm64/v8')).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, 'linux/arm/v7')).toBe(false);
  });
  it('parses manifests and refuses schema 1', () => {
    const m = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: D, size: 1 }, layers: [] })));
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1}'))).toThrow(/schema 1/);
    expect(() => parseManifest(Buffer.from('not json'))).toThrow(/JSON/);
  });
});

describe('credentials', () => {
  const dir = tempDir();
  it('reads env, then auth files', () => {
    expect(envKey('127.0.0.1:5000')).toBe('AIRLOCK_CREDS_127_0_0_1_5000');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') }, 'quay.io': { username: 'q', password: 'p' } } }));
    const env = { DOCKER_CONFIG: dir, AIRLOCK_CREDS_GHCR_IO: 'g:h' };
    expect(credentialsFor('docker.io', env)).toEqual({ user: 'hub', password: 'pw' });
    expect(credentialsFor('quay.io', env)).toEqual({ user: 'q', password: 'p' });
    expect(credentialsFor('ghcr.io', env)).toEqual({ user: 'g', password: 'h' });
    expect(credentialsFor('example.com', env)).toBeUndefined();
  });
  it('checks htpasswd bcrypt entries and refuses other hashes', async () => {
    const line = execFileSync('htpasswd', ['-Bbn', 'u', 'p']).toString().trim();
    const auth = HtpasswdAuth.fromText(line);
    const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
    expect(await auth.check(basic('u', 'p'))).toBe('u');
    expect(await auth.check(basic('u', 'p'))).toBe('u'); // cached
    expect(await auth.check(basic('u', 'x'))).toBeNull();
    expect(await auth.check(undefined)).toBeUndefined();
    expect(await auth.check(basic('', ''))).toBeUndefined();
    expect(parseBasicAuth('Bearer x')).toBeUndefined();
    const md5 = execFileSync('htpasswd', ['-mbn', 'u', 'p']).toString().trim();
    expect(() => HtpasswdAuth.fromText(md5, 'f')).toThrow(/bcrypt/);
  });
});
