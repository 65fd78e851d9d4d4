// Human byte sizes ("4GiB", "512MiB", "3.9GB", "1000") to numbers, and back for messages.
import { AirlockError } from './errors.js';

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 2 ** 10, kib: 2 ** 10, mi: 2 ** 20, mib: 2 ** 20, gi: 2 ** 30, gib: 2 ** 30, ti: 2 ** 40, tib: 2 ** 40,
};

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw new AirlockError('USAGE', `not a size: ${JSON.stringify(text)}`, { hint: 'write e.g. 4GB, 700MiB or 1048576' });
  }
  const bytes = Math.floor(Number(m[1]) * factor);
  if (bytes <= 0) throw new AirlockError('USAGE', `size must be positive: ${JSON.stringify(text)}`);
  return bytes;
}

export function formatSize(bytes: number): string {
  const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < steps.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(1)} ${steps[i]}`;
}

/**
 * A count with its noun, singular for 1: count(1, 'chunk') = "1 chunk", count(3, 'entry', 'entries') =
 * "3 entries". Every count a command prints goes through here.
 */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
