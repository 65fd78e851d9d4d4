// Per-source response-rate limiting, measured with dnsperf: a source over its rate loses answers (every
// second limited one "slips" as an empty TC answer), a source under it loses none, TCP is never limited.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { startNetworkServices, type NetworkServices } from '../src/netsvc/index.js';
import { dig, splitHostPort } from './helpers/dns-tools.js';
import { fixtureSite } from './helpers/dns-site.js';

const run = promisify(execFile);
let svc: NetworkServices;

beforeAll(async () => {
  const { site } = fixtureSite((t) => t.replace('rate-limit: { per-second: 0 }', 'rate-limit: { per-second: 20, burst: 20 }'));
  svc = await startNetworkServices(site, { logger: silentLogger, ntp: false });
});
afterAll(() => svc?.close());

async function dnsperf(queries: number, qps: number): Promise<{ completed: number; lost: number }> {
  const [host, port] = splitHostPort(svc.addresses.dns![0]!);
  const file = join(tmpdir(), `airlock-rrl-${process.pid}.txt`);
  writeFileSync(file, 'registry.airgap.internal A\n'.repeat(queries));
  const { stdout } = await run('dnsperf', ['-s', host, '-p', port, '-d', file, '-n', '1', '-Q', String(qps), '-t', '1', '-c', '1']).finally(() => rmSync(file, { force: true }));
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? NaN);
  return { completed: num(/Queries completed:\s+(\d+)/), lost: num(/Queries lost:\s+(\d+)/) };
}

describe('response-rate limiting', () => {
  it('a source under the limit gets every answer', async () => {
    const r = await dnsperf(15, 10);
    expect(r).toEqual({ completed: 15, lost: 0 });
  });

  it('a flood from one source loses answers; half of the limited ones slip as TC', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // refill the bucket
    const r = await dnsperf(400, 4000);
    expect(r.completed + r.lost).toBe(400);
    expect(r.lost).toBeGreaterThan(100); // ≈ (400 − ~40 allowed) / 2 dropped
    expect(r.completed).toBeGreaterThan(100); // the allowed ones plus the slipped TC answers
  });

  it('TCP is not limited (a limited client falls back to it)', async () => {
    const r = await dig(svc.addresses.dns![0]!, ['+tcp', 'registry.airgap.internal', 'A']);
    expect(r.answers.map((a) => a[4])).toEqual(['192.168.10.10']);
  });
});
