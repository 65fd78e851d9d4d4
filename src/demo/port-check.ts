// The demo's listen address is checked before its steps run, not when the server finally starts after
// collect, pack, verify and load: bind it once and let it go.
import net from 'node:net';
import { bindTcp } from '../netsvc/bind.js';

/** Rejects with ADDRESS_IN_USE (or DENIED, or USAGE for a foreign address) when `host:port` cannot be bound. */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  if (port === 0) return; // any free port: nothing to check
  const probe = net.createServer();
  await bindTcp(probe, host, port, 'demo --listen');
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
