// Bad `debs:` entries: exit 2, one line with file:line:column and what would be right.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { airlock } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('airlock-deb-manifest-');
const head = 'debs:\n  - upstream: { url: http://deb.invalid/debian }\n    keyring: k.gpg\n';

const cases: { name: string; yaml: string; where: string; says: RegExp }[] = [
  { name: 'no packages', yaml: `${head}    distro: debian-12\n`, where: ':2:5', says: /debs\[0\]\.packages: list the packages to carry, or set mirror: true/ },
  { name: 'no target', yaml: 'debs:\n  - name: x\n    upstream: { url: http://deb.invalid/debian, suites: [bookworm] }\n    keyring: k.gpg\n    packages: [curl]\n', where: ':2:5', says: /debs\[0\]\.distro: name the target: distro: debian-12 \| .*, or base: \.\/dpkg-status/ },
  { name: 'unknown distro', yaml: `${head}    distro: debian-7\n    packages: [curl]\n`, where: ':4:13', says: /debs\[0\]\.distro: .*debian-12/ },
  { name: 'bad arch', yaml: `${head}    distro: debian-12\n    arch: [AMD64]\n    packages: [curl]\n`, where: ':5:12', says: /debs\[0\]\.arch\[0\]: expected a Debian architecture such as amd64/ },
];

describe('bad debs entries', () => {
  for (const c of cases) {
    it(`${c.name}: exit 2 with file:line:column`, async () => {
      const file = join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, c.yaml);
      const r = await airlock(['collect', '-f', file, '--store', join(dir, 'store')]);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`${file}${c.where}`);
      expect(lines[0]).toMatch(c.says);
    });
  }
});
