// `airlock serve --site site.yaml` starts DNS and NTP next to HTTP, and takes http.listen from the site.
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { airlock, airlockProcess, firstJson, run } from './helpers/cli.js';
import { ok } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();

describe('serve --site', () => {
  it('serves HTTP on site.yaml http.listen, and DNS and NTP as the site enables them', async () => {
    writeFileSync(join(dir, 'empty.yaml'), 'version: 1\n');
    await ok(['collect', '-f', join(dir, 'empty.yaml'), '--store', join(dir, 'store'), '-q']);
    writeFileSync(
      join(dir, 'site.yaml'),
      'domain: airgap.internal\nadmin: { name: admin, address: 10.20.30.40 }\nservices: [ registry ]\nhttp: { listen: "127.0.0.1:0" }\ndns: { listen: [ "127.0.0.1:0" ] }\nntp: { listen: [ "127.0.0.1:0" ] }\n',
    );
    const child = airlockProcess(['serve', '--store', join(dir, 'store'), '--site', join(dir, 'site.yaml'), '--json']);
    try {
      const started = await firstJson<{ url: string; dns: string[]; ntp: string[] }>(child);
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const [host, port] = started.dns[0]!.split(':');
      const a = await run('dig', [`@${host}`, '-p', port!, 'registry.airgap.internal', '+short']);
      expect(a.stdout.trim()).toBe('10.20.30.40');
      const [ntpHost, ntpPort] = started.ntp[0]!.split(':');
      const q = await run('chronyd', ['-Q', '-t', '10', `server ${ntpHost} port ${ntpPort} iburst maxsamples 1`]);
      expect(q.code).toBe(0);
      expect((await run('curl', ['-sf', `${started.url}/healthz`])).code).toBe(0);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('a mistake in site.yaml is one line naming file:line:column, and nothing starts', async () => {
    writeFileSync(join(dir, 'bad-site.yaml'), 'domain: airgap.internal\nadmin: { name: admin, adress: 10.0.0.1 }\n');
    const r = await airlock(['serve', '--store', join(dir, 'store'), '--site', join(dir, 'bad-site.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad-site\.yaml:2:\d+: .*unknown key "adress".*docs\/site\.md/);
  });

  it('a DNS port already taken is one line from the DNS/NTP thread, and serve exits', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    try {
      const port = taken.address().port;
      writeFileSync(join(dir, 'taken.yaml'), `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "127.0.0.1:0" }\ndns: { listen: [ "127.0.0.1:${port}" ] }\n`);
      const r = await airlock(['serve', '--store', join(dir, 'store'), '--site', join(dir, 'taken.yaml')]);
      expect(r.code).toBe(8);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`127.0.0.1:${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
