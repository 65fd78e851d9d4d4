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
      // /metrics counts what the DNS/NTP thread answered.
      expect((await run('dig', [`@${host}`, '-p', port!, 'nosuch.airgap.internal', '+short'])).code).toBe(0);
      const metrics = (await run('curl', ['-sf', `${started.url}/metrics`])).stdout;
      const count = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1]);
      expect(count('airlock_dns_responses_total{result="noerror"}')).toBe(1);
      expect(count('airlock_dns_responses_total{result="nxdomain"}')).toBe(1);
      expect(count('airlock_ntp_requests_total{result="answered"}')).toBeGreaterThanOrEqual(1);
      expect(count('airlock_ntp_requests_total{result="kod"}')).toBe(0);
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

  it('SIGHUP re-reads site.yaml: a new host resolves without a restart; a broken site.yaml changes nothing', async () => {
    const file = join(dir, 'grow.yaml');
    const siteWith = (hosts: string) => `domain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nhosts: [ ${hosts} ]\nhttp: { listen: "127.0.0.1:0" }\ndns: { listen: [ "127.0.0.1:0" ] }\n`;
    writeFileSync(file, siteWith('{ name: cp1, address: 10.0.0.11 }'));
    const child = airlockProcess(['serve', '--store', join(dir, 'store'), '--site', file, '--json']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      const started = await firstJson<{ dns: string[] }>(child);
      const [host, port] = started.dns[0]!.split(':');
      const lookup = async (name: string) => (await run('dig', [`@${host}`, '-p', port!, `${name}.airgap.internal`, '+short'])).stdout.trim();
      expect(await lookup('w9')).toBe('');
      writeFileSync(file, siteWith('{ name: cp1, address: 10.0.0.11 }, { name: w9, address: 10.0.0.99 }'));
      child.kill('SIGHUP');
      let answer = '';
      for (let i = 0; i < 50 && answer === ''; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await lookup('w9');
      }
      expect(answer).toBe('10.0.0.99');
      writeFileSync(file, siteWith('{ name: w9, adress: 10.0.0.98 }'));
      child.kill('SIGHUP');
      for (let i = 0; i < 50 && !stderr.includes('reload refused'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/reload refused, still serving as before: .*grow\.yaml:3:\d+: .*unknown key \\*"adress/); // inside a JSON log line
      expect(await lookup('w9')).toBe('10.0.0.99');
      expect(child.exitCode).toBe(null);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
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
