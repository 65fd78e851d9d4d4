// Network namespaces: several "hosts" on one machine, joined by veth pairs, with addresses on networks
// that exist only inside them; nothing reaches the real network. Used by `airlock lab` (and the tests).
// Needs root (CAP_NET_ADMIN) and iproute2. Names carry a per-run prefix so parallel runs never collide.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

export interface Link {
  /** namespace, address/prefix on its end */
  a: [string, string];
  b: [string, string];
}

export class Netns {
  readonly names: string[] = [];

  constructor(private readonly prefix = `al${process.pid % 100000}`) {}

  /** Create a namespace with loopback up; returns its full name. */
  add(short: string): string {
    const name = `${this.prefix}-${short}`;
    ip('netns', 'add', name);
    this.names.push(name);
    this.exec(name, ['ip', 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair between two namespaces, each end addressed and up. */
  link(l: Link): void {
    const [ifA, ifB] = this.veth(l.a[0], l.b[0]);
    this.up(l.a[0], ifA, l.a[1]);
    this.up(l.b[0], ifB, l.b[1]);
  }

  /** A bridge (a switch) inside namespace `ns`; returns its device name. */
  bridge(ns: string, name = 'br0'): string {
    this.exec(ns, ['ip', 'link', 'add', name, 'type', 'bridge']);
    this.exec(ns, ['ip', 'link', 'set', name, 'up']);
    return name;
  }

  /** Plug namespace `ns` into a bridge in `switchNs` with one veth pair; its end gets `address` (CIDR). */
  plug(ns: string, address: string, switchNs: string, bridge: string): void {
    const [inside, port] = this.veth(ns, switchNs);
    this.exec(switchNs, ['ip', 'link', 'set', port, 'master', bridge]);
    this.exec(switchNs, ['ip', 'link', 'set', port, 'up']);
    this.up(ns, inside, address);
  }

  /** A veth pair with one end moved into each namespace; returns the two device names. */
  private veth(nsA: string, nsB: string): [string, string] {
    const i = this.names.length + Math.floor(Math.random() * 1e6);
    const [ifA, ifB] = [`va${i}`.slice(0, 15), `vb${i}`.slice(0, 15)];
    ip('link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB);
    ip('link', 'set', ifA, 'netns', nsA);
    ip('link', 'set', ifB, 'netns', nsB);
    return [ifA, ifB];
  }

  private up(ns: string, dev: string, address: string): void {
    this.exec(ns, ['ip', 'addr', 'add', address, 'dev', dev]);
    this.exec(ns, ['ip', 'link', 'set', dev, 'up']);
  }

  route(ns: string, ...args: string[]): void {
    this.exec(ns, ['ip', 'route', 'add', ...args]);
  }

  /**
   * A file the namespace sees in place of /etc/<name> (`ip netns exec` bind-mounts /etc/netns/NS/*),
   * e.g. resolv.conf: programs run in it then resolve as a node configured that way would.
   */
  etcFile(ns: string, name: string, content: string): void {
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/${name}`, content);
  }

  /** A directory the namespace sees in place of /etc/<name> (a copy of `src`), e.g. a node's own /etc/apt. */
  etcTree(ns: string, name: string, src: string): void {
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    cpSync(src, `/etc/netns/${ns}/${name}`, { recursive: true });
  }

  exec(ns: string, argv: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  spawn(ns: string, argv: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Delete every namespace made here (their veth ends go with them) and their /etc/netns files. */
  cleanup(): void {
    for (const name of this.names.splice(0)) removeNamespace(name);
  }
}

/** Kill what still runs in a namespace, then delete it and its /etc/netns files. */
export function removeNamespace(name: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    ip('netns', 'del', name);
  } catch {
    // already gone
  }
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

/** Namespaces named `<base><pid>-…` whose creating process is gone: what a killed run left behind. */
export function orphanedNamespaces(base: string): string[] {
  let listed = '';
  try {
    listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  return listed
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => {
      const pid = new RegExp(`^${base}(\\d+)-`).exec(name)?.[1];
      return pid !== undefined && !alive(Number(pid));
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
