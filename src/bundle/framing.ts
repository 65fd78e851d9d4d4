// Every byte of a chunk that is not blob data: each entry's header, its zero padding, and the two zero
// blocks that end the archive. The tiling check (layout.ts) proves these regions and the data cover the
// chunk exactly; this proves each region holds exactly what `airlock pack` writes there, so a signed
// chunk cannot hide a tar entry (say `../../x`) in its end blocks or a header field that `tar -x` would
// obey. Pure: the I/O worker feeds it the bytes it reads anyway; layout.ts lists each chunk's entries.
import { BLOCK, END_OF_ARCHIVE, decodeHeader, encodeHeader, padded } from './tar-header.js';

export interface FrameEntry {
  /** Offset of the entry's data; its header is the block before. */
  offset: number;
  size: number;
  name: string;
}

export interface Region {
  start: number;
  end: number;
  what: string;
  /** The exact bytes expected; absent means zeros. */
  bytes?: Buffer;
  /** For a header: its entry, to say what is wrong with it. */
  entry?: FrameEntry;
}

const ZEROS = Buffer.alloc(END_OF_ARCHIVE);
// No import of toc.ts (and so zod) here: this module loads in every I/O worker, and zod's load time
// per worker showed as extra CPU in bench/bundle.mjs verify.

/** The non-data regions of a chunk of `chunkSize` bytes, in order. */
export function frameRegions(entries: FrameEntry[], chunkSize: number): Region[] {
  const regions: Region[] = [];
  for (const e of entries) {
    regions.push({ start: e.offset - BLOCK, end: e.offset, what: `entry ${e.name}: its header`, bytes: headerFor(e), entry: e });
    if (padded(e.size) > e.size) regions.push({ start: e.offset + e.size, end: e.offset + padded(e.size), what: `entry ${e.name}: the padding after it` });
  }
  regions.push({ start: chunkSize - END_OF_ARCHIVE, end: chunkSize, what: 'the end-of-archive blocks' });
  return regions;
}

function headerFor(e: FrameEntry): Buffer {
  try {
    return encodeHeader(e.name, e.size);
  } catch {
    return Buffer.alloc(0); // a name pack could not have written: no bytes can match
  }
}

/**
 * Checks bytes read in increasing offset order (whole file or region by region) against the regions.
 * `feed` returns the first problem found; `finish` reports regions never seen.
 */
export class FramingCheck {
  private next = 0;

  constructor(private readonly regions: Region[]) {}

  feed(buf: Buffer, at: number): string | undefined {
    const stop = at + buf.length;
    while (this.next < this.regions.length) {
      const r = this.regions[this.next]!;
      if (r.start >= stop) break;
      if (r.end <= at) return `${r.what} (offset ${r.start}) was not read`;
      const from = Math.max(r.start, at);
      const to = Math.min(r.end, stop);
      const got = buf.subarray(from - at, to - at);
      const want = r.bytes ? r.bytes.subarray(from - r.start, to - r.start) : ZEROS.subarray(0, to - from);
      if (!got.equals(want)) return (r.entry && got.length === BLOCK && headerProblem(got, r.entry)) || `${r.what} (offset ${from + firstDifference(got, want)}) is not what airlock pack writes there: a hidden tar entry or an altered header`;
      if (r.end > stop) break;
      this.next++;
    }
    return undefined;
  }

  finish(): string | undefined {
    const r = this.regions[this.next];
    return r ? `${r.what} (offset ${r.start}) is missing: the chunk is shorter than bundle.json says` : undefined;
  }
}

/** What is wrong with the header before `entry`, in the terms a reader can act on; undefined when it is exactly pack's. */
export function headerProblem(h: Buffer, entry: FrameEntry): string | undefined {
  const header = decodeHeader(h);
  if (!header.checksumOk) return `entry at offset ${entry.offset} has a bad header checksum`;
  if (header.type !== '0') return `entry ${JSON.stringify(header.name)} is of type ${JSON.stringify(header.type)}, not a regular file`;
  if (header.name !== entry.name || header.size !== entry.size) {
    return `entry ${JSON.stringify(header.name)} (${header.size} bytes) at offset ${entry.offset} is not the one bundle.json lists there`;
  }
  // Byte for byte what pack writes: no link name, prefix, owner or mode for a hand-run tar to obey.
  if (!h.equals(headerFor(entry))) return `entry ${JSON.stringify(header.name)} at offset ${entry.offset} has header fields airlock pack does not write`;
  return undefined;
}

function firstDifference(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}
