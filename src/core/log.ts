// The logger every long-lived component receives. pino writes JSON lines; tests pass `silentLogger`.
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stderr. `buffered` (for servers) batches writes so logging every request stays off the
 * hot path; call `logger.flush()` before exit.
 */
export function createLogger(opts: { level?: string; destination?: number; buffered?: boolean } = {}): Logger {
  const destination = pino.destination({ dest: opts.destination ?? 2, sync: !opts.buffered, minLength: opts.buffered ? 4096 : 0 });
  // A quiet server still shows its lines within a second.
  if (opts.buffered) setInterval(() => destination.flush(), 1000).unref();
  return pino({ level: opts.level ?? process.env.AIRLOCK_LOG_LEVEL ?? 'info', base: undefined }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });
