// The DNS/NTP thread of `airlock serve` (see thread.ts): start the services, report the bound addresses
// or the error, close them when asked, then let the thread end.
import { parentPort, workerData } from 'node:worker_threads';
import type { Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { startNetworkServices } from './index.js';
import { ServiceCounters } from './counters.js';
import type { ThreadMessage } from './thread.js';

const { site, logLevel, counters } = workerData as { site: Site; logLevel: string; counters?: SharedArrayBuffer };
const port = parentPort!;
const logger = createLogger({ level: logLevel });
try {
  const services = await startNetworkServices(site, { logger, counters: counters && new ServiceCounters(counters) });
  port.postMessage({ addresses: services.addresses } satisfies ThreadMessage);
  port.on('message', (m: 'close' | { reload: Site }) => {
    if (m === 'close') {
      void services.close().then(() => port.close());
      return;
    }
    services.reload(m.reload).then(
      (restart) => port.postMessage({ restart } satisfies ThreadMessage),
      (err: Error) => port.postMessage({ error: { message: err.message } } satisfies ThreadMessage),
    );
  });
} catch (err) {
  const error = err instanceof AirlockError ? { code: err.code, message: err.message, hint: err.hint, where: err.where } : { message: (err as Error).message };
  port.postMessage({ error } satisfies ThreadMessage);
  port.close();
}
