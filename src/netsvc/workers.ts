// Optional worker processes for `airlock dns` / `airlock ntp`. Node's UDP path tops out at roughly one
// core's worth of datagrams (≈55k/s here for a bare echo server); with --workers N the cluster module
// forks N copies of the same command that share the listening sockets (the kernel spreads datagrams
// across them). The primary only prints the addresses and stops the workers on SIGINT/SIGTERM.
import cluster, { type Worker } from 'node:cluster';
import type { Site } from '../config/site.js';
import { startNetworkServices, type NetworkServices, type NetworkServicesOptions } from './index.js';

export interface MaybeWorker extends NetworkServices {
  /** True inside a worker: it must not print; the primary does. */
  worker: boolean;
}

export async function startWithWorkers(site: Site, opts: NetworkServicesOptions, workers: number): Promise<MaybeWorker> {
  if (workers <= 1 && !cluster.isWorker) return { ...(await startNetworkServices(site, opts)), worker: false };
  if (cluster.isWorker) {
    const svc = await startNetworkServices(site, opts);
    process.send?.({ airlockAddresses: svc.addresses });
    // The IPC channel would keep a worker alive after its sockets close: drop it too.
    return {
      addresses: svc.addresses,
      reload: svc.reload,
      close: async () => {
        await svc.close();
        cluster.worker?.disconnect();
      },
      worker: true,
    };
  }
  const forked: Worker[] = [];
  const started = Array.from({ length: workers }, () => {
    const w = cluster.fork();
    forked.push(w);
    return new Promise<NetworkServices['addresses']>((resolve, reject) => {
      w.on('message', (m: { airlockAddresses?: NetworkServices['addresses'] }) => m.airlockAddresses && resolve(m.airlockAddresses));
      w.once('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
    });
  });
  const stopOne = (w: Worker) =>
    new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      const force = setTimeout(() => w.process.kill('SIGKILL'), 5000); // a stuck worker must not block shutdown
      w.once('exit', () => (clearTimeout(force), resolve()));
      w.process.kill('SIGTERM');
    });
  const stop = () => Promise.all(forked.map(stopOne)).then(() => undefined);
  try {
    const addresses = await Promise.all(started);
    // Each worker is the same command: it takes SIGHUP itself, reads site.yaml and reports in its own log.
    const reload = async () => (forked.forEach((w) => w.isDead() || w.process.kill('SIGHUP')), []);
    return { addresses: addresses[0]!, reload, close: stop, worker: false };
  } catch (err) {
    await stop();
    throw err;
  }
}
