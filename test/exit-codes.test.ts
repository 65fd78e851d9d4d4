// The one table of exit codes (ERROR_CODES, rendered into docs/exit-codes.md), tested row by row through
// the compiled CLI: each code is triggered the way a user meets it and must give its exit status and one
// line on stderr without a stack trace. A code that the CLI cannot produce is listed below with the
// reason, so a new code fails this test until someone classifies it.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, EXIT_OS_ERROR, type ErrorCode } from '../src/core/errors.js';
import { exitCodeTable } from '../src/core/error-table.js';
import { airlock, run, startServe, AIRLOCK_BIN, type RunResult } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { buildSampleLayout } from './helpers/oci-fixtures.js';
import { craftBundle, fakeRegistry } from './helpers/exit-code-fixtures.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
chmodSync(dir, 0o755); // the DENIED case runs the CLI as an unprivileged user, who must read site.yaml here
const store = join(dir, 'store');
const bundle = join(dir, 'bundle');
const delta = join(dir, 'delta');
const key = join(dir, 'site.key');
const pub = join(dir, 'site.pub');
let up: Upstream;
let files: { a: ReturnType<Upstream['add']>; b: ReturnType<Upstream['add']> };
let registry: { host: string; close(): Promise<void> };

beforeAll(async () => {
  up = await startUpstream();
  files = { a: up.add('/a', randomFile(2000)), b: up.add('/b', randomFile(3000)) };
  writeManifest(dir, [files.a]);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
  await ok(['keygen', '--out', join(dir, 'site')]);
  await ok(['keygen', '--out', join(dir, 'other')]);
  await ok(['pack', '--store', store, '--out', bundle, '--key', key, '-q']);
  // A delta: what a store that loaded `bundle` lacks once /b is collected too.
  await ok(['load', bundle, '--store', join(dir, 'admin'), '--pubkey', pub, '-q']);
  writeManifest(dir, [files.a, files.b]);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
  await ok(['pack', '--store', store, '--since', join(dir, 'admin', 'receipt.json'), '--out', delta, '--key', key, '-q']);
  registry = await fakeRegistry();
});
afterAll(async () => {
  await up?.close();
  await registry?.close();
});

/** A copy of the bundle with one byte of blob data flipped in its first chunk. */
function damagedBundle(name: string): string {
  const copy = join(dir, name);
  cpSync(bundle, copy, { recursive: true });
  const chunk = readdirSync(copy).filter((n) => n.endsWith('.tar')).sort()[0]!;
  const bytes = readFileSync(join(copy, chunk));
  bytes[512 + 10] = bytes[512 + 10]! ^ 0x40;
  writeFileSync(join(copy, chunk), bytes);
  return copy;
}

function manifest(name: string, yaml: string): string {
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  return file;
}

const collect = (file: string, extra: string[] = []) => airlock(['collect', '-f', file, '--store', join(dir, 'collect-store'), '--retries', '0', '-q', '--json', ...extra]);

/** Runs `args` as an unprivileged user when this process is root (so a privileged port is refused). */
function unprivileged(args: string[]): Promise<RunResult> {
  if (process.getuid?.() !== 0) return airlock(args);
  return run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, AIRLOCK_BIN, ...args]);
}

/** How each code is met from the command line. Every command is given --json. */
const FROM_CLI: Partial<Record<ErrorCode, () => Promise<RunResult>>> = {
  CONFIG_INVALID: () => collect(manifest('typo.yaml', 'version: 1\nfils: []\n')),
  USAGE: async () => {
    mkdirSync(join(dir, 'full'), { recursive: true });
    writeFileSync(join(dir, 'full', 'notes.txt'), 'mine');
    return airlock(['store', 'init', '--store', join(dir, 'full'), '--json']);
  },
  NOT_FOUND: () => airlock(['verify', join(dir, 'no-such-bundle'), '--pubkey', pub, '--json']),
  DIGEST_MISMATCH: () => collect(manifest('digest.yaml', `files:\n  - url: ${files.a.url}\n    sha256: ${files.b.sha256}\n`)),
  SIZE_MISMATCH: () => collect(manifest('size.yaml', `files:\n  - url: ${files.a.url}\n    size: 1\n`)),
  LOCK_MISMATCH: () => collect(manifest('unlocked/airlock.yaml', `files:\n  - url: ${files.a.url}\n`), ['--locked']),
  FETCH_FAILED: () => collect(manifest('gone.yaml', `files:\n  - url: ${up.url}/gone\n`)),
  STORE_CORRUPT: async () => {
    const copy = join(dir, 'corrupt-store');
    cpSync(store, copy, { recursive: true });
    const blob = readdirSync(join(copy, 'blobs', 'sha256'))[0]!;
    writeFileSync(join(copy, 'blobs', 'sha256', blob), 'not what it was');
    return airlock(['store', 'fsck', '--store', copy, '--json']);
  },
  STORE_MISSING: () => airlock(['store', 'ls', '--store', join(dir, 'no-such-store'), '--json']),
  BUNDLE_INVALID: () => airlock(['load', damagedBundle('damaged-load'), '--store', join(dir, 'damaged-store'), '--pubkey', pub, '-q', '--json']),
  BUNDLE_SIGNATURE: () => airlock(['verify', bundle, '--pubkey', join(dir, 'other.pub'), '-q', '--json']),
  BUNDLE_INCOMPLETE: () => airlock(['load', delta, '--store', join(dir, 'empty-store'), '--pubkey', pub, '-q', '--json']),
  BUNDLE_STALE: async () => {
    // The delta moved this store past `bundle`: loading `bundle` again would roll it back.
    const stale = join(dir, 'stale-store');
    cpSync(join(dir, 'admin'), stale, { recursive: true });
    await ok(['load', delta, '--store', stale, '--pubkey', pub, '-q']);
    return airlock(['load', bundle, '--store', stale, '--pubkey', pub, '-q', '--json']);
  },
  UNSAFE_PATH: async () => airlock(['load', await craftBundle(join(dir, 'crafted')), '--store', join(dir, 'crafted-store'), '--allow-unsigned', '-q', '--json']),
  KEY_INVALID: () => airlock(['pack', '--store', store, '--out', join(dir, 'never'), '--key', pub, '--json']),
  UNAUTHORIZED: async () => {
    const target = join(dir, 'target');
    await ok(['store', 'init', '--store', target]);
    const server = await startServe(target, ['--htpasswd', htpasswdFile(join(dir, 'htpasswd'), 'u', 'p')]);
    const images = join(dir, 'images');
    buildSampleLayout(join(dir, 'layout'));
    await ok(['collect', '-f', manifest('images.yaml', `images:\n  - layout: ${join(dir, 'layout')}\n    name: example.com/team/app\n`), '--store', images, '-q']);
    try {
      return await airlock(['push', '--to', new URL(server.url).host, '--store', images, '--json']);
    } finally {
      await server.stop();
    }
  },
  DENIED: () => {
    const site = manifest('site.yaml', 'domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\ndns: { listen: [ "127.0.0.1:0" ] }\n');
    chmodSync(site, 0o644);
    return unprivileged(['dns', '--site', site, '--listen', '127.0.0.1:1', '--json']);
  },
  UNSUPPORTED: () => collect(manifest('schema1.yaml', `images:\n  - ref: ${registry.host}/old/schema1:1\n`)),
  TOO_LARGE: () => collect(manifest('huge.yaml', `images:\n  - ref: ${registry.host}/big/manifest:1\n`)),
  ADDRESS_IN_USE: async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      return await airlock(['serve', '--store', store, '--listen', `127.0.0.1:${(holder.address() as AddressInfo).port}`, '--json']);
    } finally {
      holder.close();
    }
  },
};

/** Codes no command-line input can produce, and why; each is tested where it can be met. */
const NOT_FROM_CLI: Partial<Record<ErrorCode, string>> = {
  RANGE_NOT_SATISFIABLE: 'only an HTTP Range request meets it (416 from serve: test/serve-files.test.ts)',
  LAB_FAILED: '`airlock lab` needs root and network namespaces of its own (test/lab.test.ts checks exit 9)',
  INTERNAL: 'a bug by definition: no input may produce it',
  DEPENDENCY_UNSATISFIABLE: 'needs a package index to resolve against: test/deb-apt.test.ts (signed APT), test/rpm-pipeline.test.ts (rpmbuild + createrepo_c) and test/pypi-collect.test.ts trigger it through the CLI (exit 11, one line)',
  SIGNATURE_INVALID: 'an upstream OS repository whose signature fails: test/reposign.test.ts (and the deb/rpm kinds’ tests)',
};

function expectOneLine(r: RunResult): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^airlock: \S/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('the exit-code table', () => {
  it('classifies every error code: triggered from the CLI here, or listed with the reason it cannot be', () => {
    const classified = [...Object.keys(FROM_CLI), ...Object.keys(NOT_FROM_CLI)].sort();
    expect(classified).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('docs/exit-codes.md holds the table rendered from ERROR_CODES', () => {
    const doc = readFileSync(new URL('../docs/exit-codes.md', import.meta.url), 'utf8');
    const table = /<!-- exit-codes:begin[^>]*-->\n([\s\S]*?)<!-- exit-codes:end -->/.exec(doc)?.[1];
    expect(table, 'regenerate it with the command in src/core/error-table.ts').toBe(exitCodeTable());
  });

  for (const [code, trigger] of Object.entries(FROM_CLI) as [ErrorCode, () => Promise<RunResult>][]) {
    it(`${code}: exit ${ERROR_CODES[code].exit}, one line, the code in --json`, async () => {
      const r = await trigger();
      expect(r.code, r.stderr).toBe(ERROR_CODES[code].exit);
      expectOneLine(r);
      const doc = JSON.parse(r.stdout) as { error?: { code: string }; ok?: boolean };
      // A command that printed a report says what failed there (fsck), not in a second document.
      if (code === 'STORE_CORRUPT') expect(doc.ok).toBe(false);
      else expect(doc.error?.code).toBe(code);
    });
  }

  it('a damaged chunk is exit 7 for verify as for load', async () => {
    const r = await airlock(['verify', damagedBundle('damaged-verify'), '--pubkey', pub, '-q']);
    expect(r.code).toBe(ERROR_CODES.BUNDLE_INVALID.exit);
    expect(expectOneLine(r)).toMatch(/bad chunk/);
  });

  it(`an operating-system error is exit ${EXIT_OS_ERROR}; a command-line mistake commander catches is 2; success is 0`, async () => {
    const os = await airlock(['keygen', '--out', join(dir, 'no', 'such', 'dir', 'k')]);
    expect(os.code).toBe(EXIT_OS_ERROR);
    expect(expectOneLine(os)).toMatch(/no such file or directory/);
    const unknown = await airlock(['store', 'ls', '--no-such-option']);
    expect(unknown.code).toBe(ERROR_CODES.USAGE.exit);
    expect((await airlock(['store', 'ls', '--store', store])).code).toBe(0);
  });
});
