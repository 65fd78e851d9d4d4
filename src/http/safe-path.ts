// URL paths are decoded segment by segment and refused when a segment could climb out of its root:
// "..", ".", empty segments from "//", encoded slashes or backslashes, NUL. Callers never build
// filesystem paths from URLs; this keeps even lookup names clean.
import { AirlockError } from '../core/errors.js';

export function decodePathSegments(raw: string): string[] {
  const parts = raw.split('/');
  const out: string[] = [];
  for (const part of parts) {
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      throw unsafe(raw, 'bad percent-encoding');
    }
    if (seg === '..' || seg === '.' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) throw unsafe(raw, `segment ${JSON.stringify(seg)}`);
    out.push(seg);
  }
  return out;
}

function unsafe(raw: string, why: string): AirlockError {
  return new AirlockError('UNSAFE_PATH', `refused path ${JSON.stringify(raw.slice(0, 200))}: ${why}`);
}
