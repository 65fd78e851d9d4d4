// The logger every long-lived component receives. pino writes JSON lines; tests pass `silentLogger`.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; destination?: number } = {}): Logger {
  return pino({ level: opts.level ?? process.env.AIRLOCK_LOG_LEVEL ?? 'info', base: undefined }, pino.destination(opts.destination ?? 2));
}

export const silentLogger: Logger = pino({ level: 'silent' });
