// Network namespaces the tests create (and always delete): several "hosts" on one machine, joined by
// veth pairs, with addresses on private networks that exist only inside them. Nothing reaches the
// real network. Names carry the test's pid so parallel runs never collide.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface Link {
  /** namespace, address/prefix on its end */
  a: [string, string];
  b: [string, string];
}

export class Netns {
  readonly names: string[] = [];
  private readonly prefix = `al${process.pid % 100000}`;

  /** Create a namespace with loopback up; returns its full name. */
  add(short: string): string {
    const name = `${this.prefix}-${short}`;
    ip('netns', 'add', name);
    this.names.push(name);
    exec(name, ['ip', 'link', 'set', 'lo', 'up']);
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
    exec(nsA, ['ip', 'addr', 'add', addrA, 'dev', ifA]);
    exec(nsB, ['ip', 'addr', 'add', addrB, 'dev', ifB]);
    exec(nsA, ['ip', 'link', 'set', ifA, 'up']);
    exec(nsB, ['ip', 'link', 'set', ifB, 'up']);
  }

  route(ns: string, ...args: string[]): void {
    exec(ns, ['ip', 'route', 'add', ...args]);
  }

  exec(ns: string, argv: string[]): string {
    return exec(ns, argv);
  }

  spawn(ns: string, argv: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Delete every namespace made here (their veth ends go with them). */
  cleanup(): void {
    for (const name of this.names.splice(0)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    }
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function exec(ns: string, argv: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Whether this machine lets us make namespaces (root, not a restricted container). */
export function netnsAvailable(): boolean {
  try {
    const probe = `alprobe${process.pid}`;
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}
