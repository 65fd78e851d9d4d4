// The shared send pool: many downloads of a large file through a pool of two buffers all arrive intact
// (curl, sha256), never more than two buffers are out, downloads wait instead of allocating, and
// downloads the client abandons give their buffers back.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createApp } from '../src/http/app.js';
import { listen, type Listening } from '../src/http/node-adapter.js';
import { run } from './helpers/cli.js';
import { until } from './helpers/hold.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const SIZE = 4 * 1024 * 1024 + 123;
const data = randomBytes(SIZE);
const file = join(dir, 'big.bin');
writeFileSync(file, data);
let http: Listening | undefined;
afterAll(() => http?.close(100));

/** Reads a few bytes of the file, then hangs up. */
function abandon(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.once('data', () => s.destroy());
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
}

describe('send pool', () => {
  it('serves every download intact through two buffers, makes the rest wait, and gets every buffer back', async () => {
    const app = createApp({
      log: silentLogger,
      routes: [{ prefix: '/big', handle: () => ({ status: 200, headers: { 'content-length': SIZE }, body: { file } }) }],
    });
    http = await listen(app, { host: '127.0.0.1', port: 0, log: silentLogger, limits: { sendBuffers: { bufferBytes: 64 * 1024, maxBytes: 128 * 1024 } } });
    const pool = http.pool;
    let maxInUse = 0;
    let maxWaiting = 0;
    const sampler = setInterval(() => {
      const st = pool.stats();
      maxInUse = Math.max(maxInUse, st.inUse);
      maxWaiting = Math.max(maxWaiting, st.waiting);
    }, 2);
    const port = http.address.port;
    const downloads = Array.from({ length: 8 }, () => run('sh', ['-c', `curl -sf http://127.0.0.1:${port}/big | sha256sum`]));
    const abandoned = Array.from({ length: 8 }, () => abandon(port));
    const results = await Promise.all(downloads);
    await Promise.all(abandoned);
    clearInterval(sampler);
    const want = createHash('sha256').update(data).digest('hex');
    expect(results.map((r) => r.stdout.split(' ')[0])).toEqual(Array(8).fill(want));
    expect(pool.stats().capacity).toBe(2);
    expect(maxInUse).toBeLessThanOrEqual(2);
    expect(maxWaiting).toBeGreaterThan(0);
    expect(await until(() => pool.stats().inUse === 0 && pool.stats().waiting === 0, 5000)).toBe(true);
  });
});
