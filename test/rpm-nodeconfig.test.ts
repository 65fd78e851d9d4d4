// nodeconfig for YUM repositories: the files dnf reads and kubespray's variables. That dnf installs with
// exactly these files (and nothing else) is proven in rpm-pipeline.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSite } from '../src/config/site.js';
import { renderNodeConfig } from '../src/nodeconfig/index.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
writeFileSync(join(dir, 'site.yaml'), 'domain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nservices: [repo]\ndns: { listen: ["0.0.0.0:53"] }\n');
const site = () => loadSite(join(dir, 'site.yaml'));
const file = (c: ReturnType<typeof renderNodeConfig>, path: string) => c.files.find((f) => f.path === path)?.content;

describe('nodeconfig for YUM repositories', () => {
  it('writes dnf.conf reading only airlock’s repo directory, one signature-checked section per repository, and the keys', () => {
    const armored = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n';
    const c = renderNodeConfig(site(), { yum: { repos: [{ name: 'rocky-9', keys: [{ file: 'RPM-GPG-KEY-Rocky-9' }] }, { name: 'docker-ce', keys: [{ file: 'gpg', armored }] }], keyArmored: armored } });
    expect(file(c, 'etc/dnf/dnf.conf')).toMatch(/^reposdir=\/etc\/airlock\/yum\.repos\.d$/m);
    const repo = file(c, 'etc/airlock/yum.repos.d/airlock.repo')!;
    expect(repo).toContain('[airlock-rocky-9]\nname=airlock rocky-9\nbaseurl=http://repo.airgap.internal:8080/yum/rocky-9/\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-airlock-repo http://repo.airgap.internal:8080/yum/rocky-9/keys/RPM-GPG-KEY-Rocky-9\n');
    // Keys whose content the store holds are files on the node; the others are fetched from the admin server.
    expect(repo).toContain('gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-airlock-repo file:///etc/pki/rpm-gpg/airlock-docker-ce-gpg\n');
    expect(file(c, 'etc/pki/rpm-gpg/RPM-GPG-KEY-airlock-repo')).toBe(armored);
    expect(file(c, 'etc/pki/rpm-gpg/airlock-docker-ce-gpg')).toBe(armored);
    expect(repo).toContain('[airlock-docker-ce]');
    expect(repo).not.toMatch(/gpgcheck=0/);
    const offline = parse(file(c, 'kubespray/offline.yml')!);
    expect(offline).toMatchObject({
      yum_repo: 'http://repo.airgap.internal:8080/yum',
      rhel_enable_repos: false,
      docker_rh_repo_base_url: '{{ yum_repo }}/docker-ce/',
      docker_rh_repo_gpgkey: '{{ yum_repo }}/docker-ce/keys/gpg',
    });
  });

  it('renders nothing for dnf when the store has no YUM repository', () => {
    const c = renderNodeConfig(site(), {});
    expect(c.files.map((f) => f.path).filter((p) => p.includes('dnf') || p.includes('yum'))).toEqual([]);
    expect(parse(file(c, 'kubespray/offline.yml')!).yum_repo).toBeUndefined();
  });
});
