// Network namespaces: several "hosts" on one machine, joined by veth pairs, with addresses on networks
// that exist only inside them; nothing reaches the real network. Used by `airlock lab` (and the tests).
// Needs root (CAP_NET_ADMIN) and iproute2. Names carry a per-run prefix so parallel runs never collide.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

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
    const [nsA, addrA] = l.a;
    const [nsB, addrB] = l.b;
    const i = this.names.length + Math.floor(Math.random() * 1e6);
    const ifA = `va${i}`.slice(0, 15);
    const ifB = `vb${i}`.slice(0, 15);
    ip('link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB);
    ip('link', 'set', ifA, 'netns', nsA);
    ip('link', 'set', ifB, 'netns', nsB);
    this.exec(nsA, ['ip', 'addr', 'add', addrA, 'dev', ifA]);
    this.exec(nsB, ['ip', 'addr', 'add', addrB, 'dev', ifB]);
    this.exec(nsA, ['ip', 'link', 'set', ifA, 'up']);
    this.exec(nsB, ['ip', 'link', 'set', ifB, 'up']);
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

  exec(ns: string, argv: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  spawn(ns: string, argv: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Delete every namespace made here (their veth ends go with them) and their /etc/netns files. */
  cleanup(): void {
    for (const name of this.names.splice(0)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
      rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    }
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
