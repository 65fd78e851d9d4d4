// Peers the DNS tests start themselves: dnsmasq playing the corporate resolver on a loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Peer {
  port: number;
  stop(): Promise<void>;
}

/** dnsmasq --no-daemon on 127.0.0.1:PORT, no resolv.conf or /etc/hosts, with the given records. */
export async function startDnsmasq(args: string[]): Promise<Peer> {
  const port = await freePort();
  const child = spawn('dnsmasq', ['--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--pid-file=', '--user=root', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await waitUntilListening(child, port, () => stderr);
  return { port, stop: () => stopChild(child) };
}

async function waitUntilListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`peer exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`peer did not listen on ${port}: ${log()}`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * `airlock ARGS…` as a user runs it (bin/airlock.js → dist/, built by `npm test`'s tsc step), optionally
 * inside a network namespace. Resolves once it printed its first stdout line (the bound addresses).
 */
export async function startAirlock(args: string[], netns?: string): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string }> {
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) throw new Error('dist/ is not built: run `npm run build` first');
  const argv = netns ? ['ip', 'netns', 'exec', netns, process.execPath, bin, ...args] : [process.execPath, bin, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`airlock exited ${code}: ${err}`)));
  });
  child.stdout!.on('data', (d) => (out += d));
  return { child, stdout: () => out, stderr: () => err };
}
