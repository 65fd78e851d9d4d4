// The commands as a user runs them: `airlock dns`, `airlock ntp` (bound addresses printed, SIGTERM /
// SIGINT stop them cleanly), `airlock gateway`, and a site.yaml mistake reported as file:line and a fix.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dig } from './helpers/dns-tools.js';
import { startAirlock } from './helpers/dns-peers.js';
import { chronyOffset } from './helpers/ntp-tools.js';
import { fixtureSite, siteYaml, writeSite } from './helpers/dns-site.js';

const run = promisify(execFile);
const exitOf = (child: import('node:child_process').ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('airlock dns / ntp / gateway', () => {
  it('airlock dns --json prints its bound address, answers dig there, stops on SIGTERM', async () => {
    const { file } = fixtureSite();
    const a = await startAirlock(['dns', '--site', file, '--listen', '127.0.0.1:0', '--json']);
    const exited = exitOf(a.child);
    await new Promise((r) => setTimeout(r, 100));
    const doc = JSON.parse(a.stdout()) as { dns: string[] };
    expect(doc.dns).toHaveLength(1);
    expect(doc.dns[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await dig(doc.dns[0]!, ['registry.airgap.internal', 'A'])).answers.map((x) => x[4])).toEqual(['192.168.10.10']);
    expect((await dig(doc.dns[0]!, ['+tcp', 'cp1.airgap.internal', 'A'])).answers.map((x) => x[4])).toEqual(['192.168.10.11']);
    a.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('airlock ntp prints one line per address and answers chronyd; SIGINT stops it', async () => {
    const { file } = fixtureSite();
    const a = await startAirlock(['ntp', '--site', file, '--listen', '127.0.0.1:0']);
    const exited = exitOf(a.child);
    const m = /^ntp 127\.0\.0\.1:(\d+) udp$/m.exec(a.stdout());
    expect(m, a.stdout()).not.toBeNull();
    const r = await chronyOffset(Number(m![1]));
    expect(r.offset, r.stderr).toBeDefined();
    a.child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('--workers 2: both processes share the port, answer UDP and TCP, take SIGHUP, and all stop on SIGTERM', async () => {
    const { file } = fixtureSite();
    const a = await startAirlock(['dns', '--site', file, '--listen', '127.0.0.1:0', '--workers', '2']);
    const exited = exitOf(a.child);
    const address = /^dns (\S+) udp\+tcp$/m.exec(a.stdout())![1]!;
    for (let i = 0; i < 4; i++) expect((await dig(address, ['registry.airgap.internal', 'A'])).answers.map((x) => x[4])).toEqual(['192.168.10.10']);
    expect((await dig(address, ['+tcp', 'w1.airgap.internal', 'A'])).answers.map((x) => x[4])).toEqual(['192.168.10.21']);
    // SIGHUP to the primary: every worker re-reads site.yaml and answers a new host on the same port.
    writeFileSync(file, siteYaml().replace('  - { name: w1,  address: 192.168.10.21 }', '  - { name: w1,  address: 192.168.10.21 }\n  - { name: w7, address: 192.168.10.77 }'));
    a.child.kill('SIGHUP');
    const w7 = async () => (await dig(address, ['w7.airgap.internal', 'A'])).answers.map((x) => x[4]).join();
    // Until six answers in a row carry it (the queries spread over both workers), for at most 5 s.
    const sixInARow = async () => (await Promise.all(Array.from({ length: 6 }, w7))).every((a) => a === '192.168.10.77');
    let all = false;
    for (let i = 0; i < 50 && !(all = await sixInARow()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(all).toBe(true);
    a.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const left = await run('pgrep', ['-f', file]).then((r) => r.stdout.trim(), () => '');
    expect(left).toBe(''); // no worker left behind
  });

  it('airlock gateway prints the ruleset; --json wraps it', async () => {
    const { file } = fixtureSite();
    const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
    const text = (await run(process.execPath, [bin, 'gateway', '--site', file])).stdout;
    expect(text).toContain('policy drop');
    const doc = JSON.parse((await run(process.execPath, [bin, 'gateway', '--site', file, '--json'])).stdout);
    expect(doc.ruleset).toBe(text);
    expect(doc.applied).toBe(false);
  });

  it('a site.yaml mistake is one line naming file:line:col and the fix, exit 2', async () => {
    // line 13 becomes a misspelt "forwarders"
    const file = writeSite(siteYaml().replace('allow-recursion: [ "127.0.0.2/32" ]', 'allow-recursion: [ "127.0.0.2/32" ]\n  forwardrs: [ "10.1.1.53" ]'));
    const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
    const err = await run(process.execPath, [bin, 'dns', '--site', file]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim().split('\n')).toHaveLength(1);
    expect(err?.stderr).toMatch(new RegExp(`^airlock: ${file}:13:3: dns(\\.forwardrs)?: unknown key "forwardrs"; remove it`));
  });
});
