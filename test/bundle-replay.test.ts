// Rollback protection: a signed but older bundle (full or delta) replayed onto the admin store is refused,
// so the server keeps serving the newest content; the newest bundle loads again (a resumed load);
// --allow-downgrade is the one way back, and the receipt records it. A delta names the bundle to load first.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, startServe } from './helpers/cli.js';
import { curl, ok, okJson, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';
import { loadPrivateKey, signBytes } from '../src/bundle/signing.js';
import { Store } from '../src/store/store.js';

const dir = tempDir();
const bastion = join(dir, 'bastion');
const admin = join(dir, 'admin');
const pub = join(dir, 'site.pub');
const tools = [randomFile(70_000), randomFile(80_000), randomFile(90_000)];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let up: Upstream;
let server: Awaited<ReturnType<typeof startServe>>;
const ids: Record<string, string> = {};

interface Receipt {
  bundles: string[];
  loaded: { id: string; sequence?: number; downgrade?: true }[];
}
const receipt = (store = admin) => JSON.parse(readFileSync(join(store, 'receipt.json'), 'utf8')) as Receipt;
const load = (bundle: string, ...extra: string[]) => airlock(['load', join(dir, bundle), '--store', admin, '--pubkey', pub, ...extra]);
const served = async () => sha((await curl(`${server.url}/files/${new URL(up.url).host}/tool`)).body);

/** Collect version `v` of the tool on the bastion and pack it (a delta when `since` names a receipt copy). */
async function release(v: number, name: string, since?: string): Promise<void> {
  up.add('/tool', tools[v]!);
  writeManifest(dir, [{ url: `${up.url}/tool`, sha256: sha(tools[v]!) }, { url: `${up.url}/other` }]);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', bastion, '-q']);
  const args = ['pack', '--store', bastion, '--out', join(dir, name), '--key', join(dir, 'site.key'), ...(since ? ['--since', join(dir, since)] : [])];
  ids[name] = (await okJson<{ id: string }>(args)).id;
}

async function loadAndKeepReceipt(bundle: string, copy: string): Promise<void> {
  expect((await load(bundle, '-q')).code).toBe(0);
  cpSync(join(admin, 'receipt.json'), join(dir, copy));
}

beforeAll(async () => {
  up = await startUpstream();
  up.add('/other', randomFile(5_000));
  await ok(['keygen', '--out', join(dir, 'site')]);
  await release(0, 'b1');
  await loadAndKeepReceipt('b1', 'r1.json');
  await release(1, 'd2', 'r1.json');
  await loadAndKeepReceipt('d2', 'r2.json');
  server = await startServe(admin);
});

afterAll(async () => {
  await server?.stop();
  await up?.close();
});

describe('replayed bundles', () => {
  it('pack numbers bundles in order, and verify shows the number, the date and a delta\'s base', async () => {
    const b1 = await okJson<{ sequence: number; created: string; base?: unknown }>(['verify', join(dir, 'b1'), '--pubkey', pub]);
    const d2 = await okJson<{ sequence: number; base: { id: string; sequence: number } }>(['verify', join(dir, 'd2'), '--pubkey', pub]);
    expect(b1).toMatchObject({ sequence: 1, created: expect.stringMatching(/^\d{4}-/) });
    expect(b1.base).toBeUndefined();
    expect(d2).toMatchObject({ sequence: 2, base: { id: ids.b1, sequence: 1 } });
    const text = await ok(['verify', join(dir, 'd2'), '--pubkey', pub]);
    expect(text.stdout).toMatch(new RegExp(`^bundle ${ids.d2} \\(#2, packed \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\), a delta on bundle ${ids.b1} \\(#1, `));
    expect(await served()).toBe(sha(tools[1]!));
  });

  it('an older full bundle is refused (exit 10), and the server keeps serving the newer content', async () => {
    const before = receipt();
    const r = await load('b1');
    expect(r.code, r.stderr).toBe(10);
    expect(r.stderr).toMatch(new RegExp(`^airlock: bundle ${ids.b1} \\(#1, .*was already loaded on .* older than bundle ${ids.d2} \\(#2, .*roll content back; .*--allow-downgrade`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Skipping the signature check does not skip the age check: it is compared with every key's bundles.
    const unchecked = await airlock(['load', join(dir, 'b1'), '--store', admin, '--allow-unsigned']);
    expect(unchecked.code, unchecked.stderr).toBe(10);
    expect(receipt()).toEqual(before);
    expect(await served()).toBe(sha(tools[1]!));
    expect((await okJson<{ ok: boolean }>(['store', 'fsck', '--store', admin])).ok).toBe(true);
  });

  it('an older delta is refused once a newer one is loaded', async () => {
    await release(2, 'd3', 'r2.json');
    await loadAndKeepReceipt('d3', 'r3.json');
    expect(await served()).toBe(sha(tools[2]!));
    const r = await load('d2', '--json');
    expect(r.code).toBe(10);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BUNDLE_STALE', bundle: ids.d2, sequence: 2, newest: ids.d3, newestSequence: 3 });
    expect(await served()).toBe(sha(tools[2]!));
    expect(receipt().bundles).toEqual([ids.b1, ids.d2, ids.d3]);
  });

  it('the newest bundle loads again, also after a load that died before writing its receipt', async () => {
    const again = JSON.parse((await load('d3', '--json')).stdout);
    expect(again).toMatchObject({ id: ids.d3, sequence: 3, freshness: 'same', blobs: { loaded: 0 } });
    expect(receipt().bundles).toEqual([ids.b1, ids.d2, ids.d3]); // listed once
    // kill -9 after the artifacts were registered but before receipt.json was written: the store holds
    // d3's content, the receipt still says d2. Rerunning the load finishes the job.
    cpSync(join(dir, 'r2.json'), join(admin, 'receipt.json'));
    const resumed = JSON.parse((await load('d3', '--json')).stdout);
    expect(resumed).toMatchObject({ id: ids.d3, freshness: 'new' });
    expect(receipt().bundles).toEqual([ids.b1, ids.d2, ids.d3]);
  });

  it('--allow-downgrade rolls back on purpose, says so, and the receipt records it', async () => {
    const r = await load('b1', '--allow-downgrade', '-q');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --allow-downgrade: bundle .* content may roll back \(recorded in the receipt\)/);
    expect(await served()).toBe(sha(tools[0]!));
    expect(receipt().loaded.at(-1)).toMatchObject({ id: ids.b1, sequence: 1, downgrade: true });
    // Without the flag the rollback is not repeated; the newest bundle brings the newest content back.
    expect((await load('b1')).code).toBe(10);
    expect((await load('d3', '-q')).code).toBe(0);
    expect(await served()).toBe(sha(tools[2]!));
    expect(receipt().loaded.map((b) => [b.id, b.downgrade ?? false])).toEqual([[ids.b1, false], [ids.d2, false], [ids.d3, false], [ids.b1, true], [ids.d3, false]]);
  });

  it('a bundle without a sequence (older airlock) needs --allow-downgrade, even into a new store', async () => {
    const old = join(dir, 'old');
    cpSync(join(dir, 'b1'), old, { recursive: true });
    const toc = JSON.parse(readFileSync(join(old, 'bundle.json'), 'utf8'));
    delete toc.sequence;
    const bytes = Buffer.from(JSON.stringify(toc, null, 1) + '\n');
    writeFileSync(join(old, 'bundle.json'), bytes);
    writeFileSync(join(old, 'bundle.json.sig'), JSON.stringify(signBytes(bytes, loadPrivateKey(join(dir, 'site.key')))));
    expect((await ok(['verify', old, '--pubkey', pub])).stdout).toContain('no sequence number: `load` needs --allow-downgrade');
    const fresh = join(dir, 'fresh');
    const r = await airlock(['load', old, '--store', fresh, '--pubkey', pub]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain('has no sequence number');
    expect(existsSync(fresh)).toBe(false);
    await ok(['load', old, '--store', fresh, '--pubkey', pub, '--allow-downgrade', '-q']);
    expect(receipt(fresh).loaded).toEqual([expect.objectContaining({ id: ids.b1, downgrade: true })]);
    expect(receipt(fresh).loaded[0]!.sequence).toBeUndefined();
  });

  it('sequences keep rising: packs at once get different numbers, and a rebuilt bastion store continues from the receipt', async () => {
    const [a, b] = await Promise.all(['p1', 'p2'].map((n) => okJson<{ sequence: number }>(['pack', '--store', bastion, '--out', join(dir, n), '--key', join(dir, 'site.key')])));
    expect(new Set([a!.sequence, b!.sequence]).size).toBe(2);
    expect(Math.min(a!.sequence, b!.sequence)).toBeGreaterThan(3);
    const rebuilt = join(dir, 'rebuilt');
    cpSync(bastion, rebuilt, { recursive: true });
    rmSync(join(rebuilt, 'packed'), { recursive: true });
    const full = await okJson<{ sequence: number }>(['pack', '--store', rebuilt, '--out', join(dir, 'p3'), '--key', join(dir, 'site.key')]);
    expect(full.sequence).toBe(1); // knows nothing: the admin would refuse it as stale
    expect((await load('p3')).code).toBe(10);
    const delta = await okJson<{ sequence: number }>(['pack', '--store', rebuilt, '--out', join(dir, 'p4'), '--since', join(admin, 'receipt.json'), '--key', join(dir, 'site.key')]);
    expect(delta.sequence).toBe(4); // above the highest the receipt reports (d3's 3)
  });
});

describe('a delta onto a store without its base', () => {
  it('names the bundle to load first, and creates no store', async () => {
    const nowhere = join(dir, 'nowhere');
    const r = await airlock(['load', join(dir, 'd2'), '--store', nowhere, '--pubkey', pub]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(new RegExp(`delta carries only what bundle ${ids.b1} \\(#1, packed \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\) left out; load bundle ${ids.b1} .*first`));
    expect(existsSync(nowhere)).toBe(false);
  });

  it('into an existing empty store, it fails before copying a blob', async () => {
    const empty = join(dir, 'empty');
    (await Store.open(empty, { create: true })).close();
    const r = await airlock(['load', join(dir, 'd2'), '--store', empty, '--pubkey', pub, '--json']);
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BUNDLE_INCOMPLETE', base: { id: ids.b1, sequence: 1 } });
    expect(readdirSync(join(empty, 'blobs', 'sha256'))).toEqual([]);
  });
});
