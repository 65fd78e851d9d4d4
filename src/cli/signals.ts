// Long-running commands wait here until SIGINT or SIGTERM, then close gracefully; SIGHUP reloads.
import { AirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Run `reload` on each SIGHUP (what `systemctl reload` sends) instead of dying, until the returned
 * function is called. `reload` returns what it could not apply without a restart; the outcome is one
 * log line, and a failed reload leaves everything as it was.
 */
export function reloadOnHangup(log: Logger, reload: () => Promise<string[]>): () => void {
  const onHangup = () => {
    reload().then(
      (restart) =>
        restart.length
          ? log.warn({ restart }, `reloaded, but these changes of site.yaml take effect only after a restart: ${restart.join(', ')}`)
          : log.info('reloaded'),
      (err: Error) => log.error({ code: (err as AirlockError).code }, `reload refused, still serving as before: ${err instanceof AirlockError ? err.oneLine() : err.message}`),
    );
  };
  process.on('SIGHUP', onHangup);
  return () => void process.off('SIGHUP', onHangup);
}
