// The README's first command: `airlock demo` runs the whole pipeline offline and serves the result over
// HTTP (files, registry), DNS and NTP. Checked with the clients a user would type from its try-lines.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { airlock, airlockProcess, firstJson, run } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

describe('airlock demo', () => {
  const dir = tempDir();
  const child = airlockProcess(['demo', '--dir', join(dir, 'd'), '--listen', '127.0.0.1:0', '--json']);
  // Wait for it: its own cleanup must be over before the temp directory goes.
  afterAll(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  });
  const result = firstJson<{ url: string; dashboard: string; dns: string; ntp: string; store: string; tryLines: string[] }>(child);

  it('collects, packs, verifies and loads the samples with no network, and serves them', async () => {
    const r = await result;
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ls = JSON.parse((await airlock(['store', 'ls', '--store', r.store, '--json'])).stdout);
    expect(ls.filter((a: { kind: string }) => a.kind === 'file')).toHaveLength(4);
    expect(ls.filter((a: { kind: string }) => a.kind === 'oci').length).toBeGreaterThan(0);
    const health = await run('curl', ['-sf', `${r.url}/healthz`]);
    expect(health.stdout).toContain('ok');
    // The dashboard is the first thing it names, and it answers.
    expect(r.dashboard).toBe(`${r.url}/ui/`);
    const page = await run('curl', ['-sf', r.dashboard]);
    expect(page.stdout).toContain('<html');
  });

  it('its try-lines work: a file with curl, the image with skopeo', async () => {
    const r = await result;
    const fileLine = r.tryLines.find((l) => l.startsWith('curl -sO'))!;
    const fetched = await run('curl', ['-sf', '-o', join(dir, 'kubeadm'), fileLine.split(' ').pop()!]);
    expect(fetched.code).toBe(0);
    const inspectLine = r.tryLines.find((l) => l.startsWith('skopeo inspect'))!;
    const inspected = await run('sh', ['-c', inspectLine]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.stdout).RepoTags).toContain('1.0');
  });

  it('answers DNS for the site (dig) and NTP (chronyd with the chrony.conf it rendered for nodes)', async () => {
    const r = await result;
    const [host, port] = r.dns.split(':');
    const a = await run('dig', [`@${host}`, '-p', port!, 'registry.airgap.internal', 'A', '+short']);
    expect(a.stdout.trim()).toBe('127.0.0.1');
    const ptr = await run('dig', [`@${host}`, '-p', port!, '-x', '127.0.0.1', '+short']);
    expect(ptr.stdout.trim()).toBe('admin.airgap.internal.');
    // The chrony.conf the demo rendered for nodes points at the demo's NTP listener.
    const chronyLine = r.tryLines.find((l) => l.startsWith('chronyd') && l.includes(' -f '))!;
    expect(chronyLine).toContain(join(dir, 'd', 'node'));
    const q = await run('sh', ['-c', chronyLine]);
    expect(q.stderr).toMatch(/System clock wrong by -?\d+\.\d+ seconds \(ignored\)/);
  });
});

describe('airlock demo --listen on a busy port', () => {
  const dir = tempDir();

  it('fails at once with ADDRESS_IN_USE (exit 8), before running any step', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as AddressInfo).port;
    try {
      const r = await airlock(['demo', '--dir', join(dir, 'busy'), '--listen', `127.0.0.1:${port}`, '--no-serve']);
      expect(r.code).toBe(8);
      expect(r.stderr.trim()).toBe(`airlock: demo --listen: 127.0.0.1:${port} is already in use; stop the other server or choose another listen address`);
      expect(r.stdout).not.toContain('1/6 collect');
      expect(existsSync(join(dir, 'busy', 'bastion-store'))).toBe(false);
    } finally {
      holder.close();
    }
  });
});
