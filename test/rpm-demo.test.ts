// `airlock demo` also carries a small signed YUM repository (data/demo-yum, made by scripts/demo-yum.sh):
// collected with the repository and header signatures checked, served with repomd.xml.asc signed by the
// site key. Its dnf try-line (gpgcheck and repo_gpgcheck on) downloads the sample package and its
// dependency, and the node configuration the demo rendered holds the .repo.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlockProcess, firstJson, run } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

describe('airlock demo: YUM', () => {
  const dir = tempDir();
  const child = airlockProcess(['demo', '--dir', join(dir, 'd'), '--listen', '127.0.0.1:0', '--json']);
  afterAll(() => void child.kill('SIGTERM'));
  const result = firstJson<{ url: string; tryLines: string[] }>(child);

  it('its dnf try-line checks both signatures and downloads the sample packages', async () => {
    const r = await result;
    const line = r.tryLines.find((l) => l.startsWith('dnf '))!;
    expect(line).toContain('repo_gpgcheck=1');
    const dnf = await run('sh', ['-c', line.replace(/\s+#.*$/, '')]);
    expect(dnf.code, dnf.stderr + dnf.stdout).toBe(0);
    const downloaded = join(dir, 'd', 'dnf-download');
    expect(existsSync(downloaded)).toBe(true);
    expect(readdirSync(downloaded).filter((f) => f.endsWith('.rpm')).sort()).toEqual(['airlock-hello-1.0-1.noarch.rpm', 'airlock-hello-data-1.0-1.noarch.rpm']);
    const repoDir = join(dir, 'd', 'node', 'etc', 'airlock', 'yum.repos.d');
    const repo = readdirSync(repoDir).map((f) => readFileSync(join(repoDir, f), 'utf8')).join('\n');
    expect(repo).toMatch(/\/yum\/sample\//);
    expect(repo).toMatch(/repo_gpgcheck\s*=\s*1/);
  });
});
