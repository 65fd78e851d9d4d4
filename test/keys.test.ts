// Key files given the wrong way round: pack with the public key is told it needs the private one;
// verify and load with the private key refuse it (it must never leave the bastion) and write nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const store = join(dir, 'store');
const bundle = join(dir, 'bundle');
const key = join(dir, 'site.key');
const pub = join(dir, 'site.pub');

beforeAll(async () => {
  const up = await startUpstream();
  writeManifest(dir, [up.add('/a', randomFile(1000))]);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
  await up.close();
  await ok(['keygen', '--out', join(dir, 'site')]);
  await ok(['pack', '--store', store, '--out', bundle, '--key', key, '-q']);
});

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('key files', () => {
  it('pack --key site.pub says pack needs the private key, naming it', async () => {
    const r = await airlock(['pack', '--store', store, '--out', join(dir, 'b2'), '--key', pub]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`airlock: ${pub}: this is a public key, and signing needs the private key; pass the private key written beside it by \`airlock keygen\` (${key})`);
    expect(existsSync(join(dir, 'b2'))).toBe(false);
  });

  for (const command of ['verify', 'load']) {
    it(`${command} --pubkey site.key refuses the private key and writes nothing`, async () => {
      const target = join(dir, `${command}-store`);
      const r = await airlock([command, bundle, '--pubkey', key, ...(command === 'load' ? ['--store', target] : []), '--json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'KEY_INVALID' });
      expect(oneLine(r.stderr)).toMatch(new RegExp(`^airlock: ${key}: this is the private signing key, which must stay on the bastion; pass the public key instead \\(${pub}\\)`));
      expect(r.stderr).not.toContain('signature valid');
      expect(existsSync(target)).toBe(false);
    });
  }

  it('the public key still verifies the same bundle', async () => {
    const r = await ok(['verify', bundle, '--pubkey', pub, '-q']);
    expect(r.stdout).toMatch(/signature valid/);
  });

  it('a key file that does not exist is "not found" (exit 3), for pack, verify and load alike', async () => {
    for (const args of [['pack', '--store', store, '--out', join(dir, 'b3'), '--key', join(dir, 'nope.key')], ['verify', bundle, '--pubkey', join(dir, 'nope.pub')], ['load', bundle, '--store', join(dir, 's3'), '--pubkey', join(dir, 'nope.pub')]]) {
      const r = await airlock(args);
      expect(r.code, args[0]).toBe(3);
      expect(oneLine(r.stderr)).toMatch(/nope\.(key|pub): key file not found; check the path/);
    }
  });
});
