// NTP from the test's side: chronyd -Q as the real client, and a hand-made request for what no client
// sends on demand (mode 6 and 7 probes, field-by-field checks of a reply).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild } from './dns-peers.js';

/**
 * The largest offset a client may measure against airlock on this machine while other suites load both
 * cores: a single asymmetric scheduling delay of a few ms shows up as half of it. It still catches every
 * real timestamp bug (wrong era, unit or fraction encoding: errors of 100 ms to seconds); the precise
 * comparison with chronyd (µs) is bench/ntp.sh, on a quiet machine.
 */
export const OFFSET_BOUND_S = 0.05;

/** chronyd -Q against 127.0.0.1:port: the offset it measured (seconds), or undefined on timeout. */
export function chronyOffset(port: number, host = '127.0.0.1', samples = 4): Promise<{ offset?: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('chronyd', ['-Q', '-t', '10', `server ${host} port ${port} iburst maxsamples ${samples}`], (_err, _out, stderr) => {
      const m = /System clock wrong by (-?[0-9.]+) seconds/.exec(stderr);
      resolve({ offset: m ? Number(m[1]) : undefined, stderr });
    });
  });
}

/** A client request as a v3/v4 client sends it: mode 3, poll, transmit timestamp = "now". */
export function clientRequest(version: number, poll = 6): Buffer {
  const b = Buffer.alloc(48);
  b[0] = (version << 3) | 3;
  b[2] = poll;
  const unix = Date.now() / 1000 + 2208988800;
  b.writeUInt32BE(Math.floor(unix) >>> 0, 40);
  b.writeUInt32BE(Math.floor((unix % 1) * 2 ** 32) >>> 0, 44);
  return b;
}

/** Send one datagram, wait for one reply (undefined after `ms`). */
export async function exchange(packet: Buffer, port: number, host = '127.0.0.1', ms = 700): Promise<Buffer | undefined> {
  const sock = dgram.createSocket('udp4');
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      sock.once('message', (m) => (clearTimeout(timer), resolve(m)));
      sock.send(packet, port, host);
    });
  } finally {
    sock.close();
  }
}

/** A chronyd serving its local clock at stratum `stratum` on 127.0.0.1:PORT (the upstream peer). */
export async function startChronyServer(stratum = 8): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-chrony-'));
  const conf = join(dir, 'chrony.conf');
  writeFileSync(conf, [`port ${port}`, 'bindaddress 127.0.0.1', `local stratum ${stratum}`, 'allow 127.0.0.1', 'cmdport 0', `pidfile ${dir}/pid`, `driftfile ${dir}/drift`, ''].join('\n'));
  const child = spawn('chronyd', ['-x', '-f', conf, '-d'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await exchange(clientRequest(4), port, '127.0.0.1', 100)) {
      return { port, child, stop: () => stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })) };
    }
  }
  await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
  throw new Error('chronyd peer did not answer');
}
