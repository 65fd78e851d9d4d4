// A user's mistake in airlock.yaml is one line: file:line:column, what is wrong, what to do. No stack.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();

const cases: { name: string; yaml: string; where: string; says: RegExp }[] = [
  { name: 'wrong type', yaml: 'version: 1\nfiles: "kubeadm"\n', where: ':2:8', says: /files: expected array, got string "kubeadm"/ },
  { name: 'unknown top-level key', yaml: 'version: 1\nfils:\n  - url: https://x.invalid/a\n', where: ':2:1', says: /unknown key "fils".*remove it, or check its spelling/ },
  { name: 'unknown entry key', yaml: 'files:\n  - url: https://x.invalid/a\n    sha: abc\n', where: ':3:5', says: /files\[0\]: unknown key "sha"/ },
  { name: 'bad URL', yaml: 'files:\n  - url: not a url\n', where: ':2:10', says: /files\[0\]\.url: expected an absolute URL/ },
  { name: 'unsupported scheme', yaml: 'files:\n  - url: ftp://x.invalid/a\n', where: ':2:10', says: /only http:\/\/ and https:\/\// },
  { name: 'bad sha256', yaml: 'files:\n  - url: https://x.invalid/a\n    sha256: abc123\n', where: ':3:13', says: /files\[0\]\.sha256: expected 64 lowercase hex/ },
  { name: 'number for text', yaml: 'files:\n  - url: https://x.invalid/a\n    sha256: 1234\n', where: ':3:13', says: /files\[0\]\.sha256: expected string, got number 1234; quote it so YAML reads it as text: sha256: "1234"/ },
  {
    name: 'digits-only sha256',
    yaml: `files:\n  - url: https://x.invalid/a\n    sha256: ${'0'.repeat(63)}1\n`,
    where: ':3:13',
    says: new RegExp(`files\\[0\\]\\.sha256: expected string, got 0{63}1, which YAML reads as the number 1; quote it so YAML reads it as text: sha256: "0{63}1"`),
  },
  { name: 'bare URL under files', yaml: 'files:\n  - https://x.invalid/a\n', where: ':2:5', says: /files\[0\]: expected a mapping, got string "https:\/\/x\.invalid\/a"; write it as a mapping: `- url: https:\/\/x\.invalid\/a`/ },
  { name: 'bare reference under images', yaml: 'images:\n  - nginx:1.28\n', where: ':2:5', says: /images\[0\]: expected a mapping, got string "nginx:1\.28"; write it as a mapping: `- ref: nginx:1\.28`/ },
  { name: 'missing url', yaml: 'files:\n  - sha256: ' + 'a'.repeat(64) + '\n', where: ':2:5', says: /files\[0\]\.url: missing \(expected string\); add it/ },
  { name: 'wrong version', yaml: 'version: 2\nfiles: []\n', where: ':1:10', says: /version: expected version: 1/ },
  { name: 'YAML syntax', yaml: 'files:\n  - url: "unterminated\n', where: ':3:1', says: /YAML syntax: Missing closing "quote; fix the indentation or quoting/ },
];

describe('bad manifests', () => {
  for (const c of cases) {
    it(`${c.name}: exit 2 with file:line:column and a hint`, async () => {
      const file = join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, c.yaml);
      const r = await airlock(['collect', '-f', file, '--store', join(dir, 'store')]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`${file}${c.where}`);
      expect(lines[0]).toMatch(c.says);
      expect(lines[0]).not.toMatch(/\n\s+at /);
    });
  }

  it('an operating-system error is one line with the path, not a stack trace', async () => {
    const r = await airlock(['keygen', '--out', join(dir, 'no', 'such', 'dir', 'site')]);
    expect(r.code).toBe(74);
    expect(r.stderr).toBe(`airlock: ${join(dir, 'no', 'such', 'dir', 'site.key')}: no such file or directory; check the path (ENOENT)\n`);
  });

  it('a missing manifest says so', async () => {
    const r = await airlock(['collect', '-f', join(dir, 'nope.yaml'), '--store', join(dir, 'store')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nope\.yaml: file not found; check the path, or pass another file with -f$/m);
  });

  it('a missing site.yaml names the option of the command that was given it', async () => {
    for (const args of [['serve', '--store', dir], ['tls', '--out', join(dir, 'tls')], ['nodeconfig'], ['gateway'], ['dns']]) {
      const r = await airlock([...args, '--site', join(dir, 'nosite.yaml')]);
      expect(r.code, args[0]).toBe(3);
      expect(r.stderr).toBe(`airlock: ${join(dir, 'nosite.yaml')}: file not found; check the path, or pass another file with --site\n`);
    }
  });

  it('--locked refuses when the manifest and lock disagree, naming the entry', async () => {
    const manifest = join(dir, 'locked.yaml');
    writeFileSync(manifest, 'files:\n  - url: https://x.invalid/a\n  - url: https://x.invalid/b\n');
    writeFileSync(join(dir, 'airlock.lock'), JSON.stringify({ version: 1, tool: 't', entries: { files: [{ url: 'https://x.invalid/a', sha256: 'a'.repeat(64), size: 1 }] } }));
    const r = await airlock(['collect', '-f', manifest, '--store', join(dir, 'store'), '--locked']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/locked\.yaml:3:5: files\[1\] https:\/\/x\.invalid\/b is not in the lock.*run `airlock collect` without --locked/);
  });
});
