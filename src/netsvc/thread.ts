// DNS and NTP on a thread of their own inside `airlock serve`. In one event loop with HTTP, a busy blob
// pull delays every datagram: measured under a 32-connection pull of 16 MiB files, chronyd saw 5–6.5 ms
// offsets (µs when idle) and dig 12–24 ms answers (0–4 ms when idle): clocks and name lookups would
// degrade exactly while a cluster is being installed. A worker thread has its own loop and sockets.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Site } from '../config/site.js';
import { AirlockError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { NetworkServices } from './index.js';
import type { ServiceCounters } from './counters.js';

export interface ThreadMessage {
  addresses?: NetworkServices['addresses'];
  /** Reply to a reload: what needs a restart instead. */
  restart?: string[];
  error?: { code?: ErrorCode; message: string; hint?: string; where?: string };
}

export async function startNetworkServicesThread(site: Site, opts: { logger: Logger; logLevel: string; counters?: ServiceCounters }): Promise<NetworkServices> {
  const workerData = { site, logLevel: opts.logLevel, counters: opts.counters?.buffer };
  const worker = new Worker(new URL('./thread-worker.js', import.meta.url), { workerData });
  const started = await new Promise<ThreadMessage>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the DNS/NTP thread exited (${code}) before it started`)));
  });
  worker.removeAllListeners();
  if (started.error) {
    await worker.terminate();
    const e = started.error;
    throw e.code ? new AirlockError(e.code, e.message, { hint: e.hint, where: e.where }) : new Error(e.message);
  }
  let closing = false;
  // Losing DNS and NTP silently would be worse than stopping: exit non-zero so the supervisor restarts us.
  worker.on('error', (err) => opts.logger.error({ err }, 'the DNS/NTP thread failed'));
  worker.on('exit', (code) => {
    if (closing) return;
    opts.logger.fatal({ code }, 'the DNS/NTP thread stopped; shutting down so the service manager restarts airlock');
    process.exitCode = 70;
    process.kill(process.pid, 'SIGTERM');
  });
  return {
    addresses: started.addresses ?? {},
    reload: async (next) => {
      const reply = once(worker, 'message') as Promise<[ThreadMessage]>;
      worker.postMessage({ reload: next });
      const [m] = await reply;
      if (m.error) throw new AirlockError(m.error.code ?? 'INTERNAL', m.error.message, { hint: m.error.hint });
      return m.restart ?? [];
    },
    close: async () => {
      if (closing) return;
      closing = true;
      const exited = once(worker, 'exit');
      worker.postMessage('close');
      // A thread that does not finish closing must not hold up the shutdown.
      const force = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(force);
    },
  };
}
