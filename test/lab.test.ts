// `airlock lab`: the demo's loaded store served in a throwaway closed network (two namespaces) and
// checked from the node side with getent, chronyd, curl and skopeo; a corrupted blob is caught.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { airlock, airlockProcess, firstJson } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
let store: string;

beforeAll(async () => {
  // The demo collects, packs, verifies and loads its samples; its loaded store is what we test.
  const demo = airlockProcess(['demo', '--dir', join(dir, 'demo'), '--listen', '127.0.0.1:0', '--json']);
  const exited = new Promise((resolve) => demo.once('exit', resolve));
  store = (await firstJson<{ store: string }>(demo)).store;
  demo.kill('SIGTERM');
  await exited;
});

interface Report {
  ok: boolean;
  admin: string;
  node: string;
  checks: { check: string; target: string; ok: boolean; detail: string }[];
}

describe('airlock lab', () => {
  it('serves the store to a node in its own network and every check passes: DNS, NTP, each file, each image', async () => {
    const r = await airlock(['lab', '--store', store, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.ok).toBe(true);
    const kinds = report.checks.map((c) => c.check);
    expect(kinds.filter((k) => k === 'dns')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ntp')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'file')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'image').length).toBeGreaterThan(0);
    // Its namespaces are gone (other test files may hold namespaces of their own meanwhile).
    const left = namespaces();
    for (const ns of [report.admin, report.node]) expect(left).not.toContain(ns);
  });

  it('a corrupted blob fails its check (exit 9, one line naming it) while the rest pass', async () => {
    const copy = join(dir, 'corrupt');
    cpSync(store, copy, { recursive: true });
    const s = await Store.open(copy);
    const victim = s.find({ kind: 'file' }).map((e) => e.record).find((r) => r.name.endsWith('/kubeadm'))!;
    s.close();
    const blob = join(copy, 'blobs', 'sha256', victim.blobs.find((b) => b.role === 'content')!.digest.slice('sha256:'.length));
    const bytes = readFileSync(blob);
    bytes[0] ^= 0xff;
    writeFileSync(blob, bytes);
    const r = await airlock(['lab', '--store', copy, '--json']);
    expect(r.code).toBe(9);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.checks.filter((c) => !c.ok).map((c) => c.target)).toEqual([victim.name]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`file ${victim.name}`);
  });
});
