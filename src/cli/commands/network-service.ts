// `airlock dns` and `airlock ntp`: run one network service from site.yaml alone, until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { loadSite } from '../../config/site.js';
import { AirlockError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { startWithWorkers } from '../../netsvc/workers.js';
import { reloadOnHangup, untilSignal } from '../signals.js';
import { parseListen } from '../../core/listen.js';
import { printResult } from '../output.js';

const repeatable = (value: string, previous: string[]) => [...previous, value];

export function registerNetworkService(program: Command, service: 'dns' | 'ntp', description: string, transports: string): void {
  program
    .command(service)
    .description(description)
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .option('--listen <host:port>', `listen address, repeatable (replaces ${service}.listen; port 0 = any free port)`, repeatable, [])
    .option('--workers <n>', 'processes sharing the sockets (more answers per second on more cores)', '1')
    .option('--json', 'print the bound addresses as one JSON document')
    .action(async (o: { site: string; listen: string[]; workers: string; json?: boolean }) => {
      o.listen.forEach(parseListen); // a wrong address is a usage error before anything starts
      const workers = Number(o.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        throw new AirlockError('USAGE', `--workers must be a whole number from 1 to 64, not ${JSON.stringify(o.workers)}`);
      }
      const site = loadSite(o.site, { option: '--site' });
      const logger = createLogger();
      const svc = await startWithWorkers(
        site,
        { logger, dns: service === 'dns', ntp: service === 'ntp', listenOverride: o.listen.length ? { [service]: o.listen } : undefined },
        workers,
      );
      const addresses = svc.addresses[service] ?? [];
      if (!svc.worker) printResult(o, { [service]: addresses }, () => addresses.map((a) => `${service} ${a} ${transports}`).join('\n'));
      // SIGHUP: an edited site.yaml (DNS zone) without closing a socket.
      const stopReloading = reloadOnHangup(logger, () => svc.reload(loadSite(o.site, { option: '--site' })));
      await untilSignal();
      stopReloading();
      await svc.close();
    });
}
