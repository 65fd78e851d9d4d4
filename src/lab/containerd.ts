// containerd for one node, with a private root, state and socket under the lab's temp dir, nothing of the
// host's containerd touched. `ctr` runs inside the node's namespace: containerd 1.6/1.7 resolve and fetch
// images in the client, so every registry request leaves from the node, through its rendered hosts.toml
// and resolver. The daemon itself stays in the host's namespaces, because `ip netns exec` mounts a sysfs of
// its own over /sys, which hides the cgroup hierarchy runc needs to start a container.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execHere, execIn, type ExecResult } from './exec.js';

export interface NodeContainerd {
  /** ctr in the node's network namespace: pulls leave from the node. */
  ctr(args: string[], timeoutMs?: number): Promise<ExecResult>;
  /** ctr in the host's namespaces, for what needs no network (running a container). */
  local(args: string[], timeoutMs?: number): Promise<ExecResult>;
  stop(): Promise<void>;
}

export async function startNodeContainerd(ns: string, dir: string): Promise<NodeContainerd> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      `[grpc]\n  address = "${sock}"`,
      `[ttrpc]\n  address = "${sock}.ttrpc"`,
      `[debug]\n  address = "${sock}.debug"`,
      `[plugins."io.containerd.internal.v1.opt"]\n  path = "${join(dir, 'opt')}"`,
      '',
    ].join('\n'),
  );
  const child = spawn('containerd', ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const ctr = (args: string[], timeoutMs = 120_000) => execIn(ns, ['ctr', '--address', sock, '-n', 'lab', ...args], { timeoutMs });
  const until = Date.now() + 20_000;
  while ((await ctr(['version'], 5_000)).code !== 0) {
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`containerd did not start in ${ns}: ${err.trim().split('\n').pop() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const local = (args: string[], timeoutMs = 60_000) => execHere(['ctr', '--address', sock, '-n', 'lab', ...args], timeoutMs);
  return { ctr, local, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
