// `airlock demo` also carries a small signed APT repository: its try-line (apt-get with the key and
// .sources airlock rendered) downloads the sample package and its dependency.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlockProcess, firstJson, run } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

describe('airlock demo: APT', () => {
  const dir = tempDir();
  const child = airlockProcess(['demo', '--dir', join(dir, 'd'), '--listen', '127.0.0.1:0', '--json']);
  afterAll(() => void child.kill('SIGTERM'));
  const result = firstJson<{ url: string; tryLines: string[] }>(child);

  it('its apt-get try-line updates with the signature checked and downloads the sample packages', async () => {
    const r = await result;
    const line = r.tryLines.find((l) => l.startsWith('APT_CONFIG='))!;
    expect(line).toBeDefined();
    const apt = await run('sh', ['-c', line.replace(/\s+#.*$/, '')]);
    expect(apt.code, apt.stderr + apt.stdout).toBe(0);
    expect(apt.stderr).not.toMatch(/^[WE]:/m);
    const archives = join(dir, 'd', 'apt-client', 'cache', 'archives');
    expect(existsSync(archives)).toBe(true);
    expect(readdirSync(archives).filter((f) => f.endsWith('.deb')).sort()).toEqual(['airlock-hello-data_1.0-1_all.deb', 'airlock-hello_1.0-1_all.deb']);
  });
});
