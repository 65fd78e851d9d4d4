// Where every blob goes: chunk by chunk, entry by entry, computed before any byte is written so the
// chunks can be written in parallel. Chunks are filled densely: a blob that does not fit the rest of a
// chunk is split into parts, unless so little room is left that a part would be mostly header.
// Also the reverse check for readers: the parts a TOC lists must tile each chunk exactly, so no byte
// of a chunk can hold an entry the TOC does not list.
import { AirlockError } from '../core/errors.js';
import { BLOCK, END_OF_ARCHIVE, padded } from './tar-header.js';
import { entryName, type Toc, type TocBlob } from './toc.js';
import type { FrameEntry } from './framing.js';

export interface PlannedEntry {
  name: string;
  digest: string;
  /** Offset within the blob where this part starts. */
  start: number;
  size: number;
}

export interface Layout {
  chunks: PlannedEntry[][];
  blobs: TocBlob[];
}

export function planLayout(blobs: { digest: string; size: number }[], chunkSize: number): Layout {
  const chunks: PlannedEntry[][] = [[]];
  const out: TocBlob[] = [];
  let used = 0; // bytes of the current chunk, without its end-of-archive blocks
  const room = () => Math.floor((chunkSize - used - END_OF_ARCHIVE - BLOCK) / BLOCK) * BLOCK;
  for (const { digest, size } of blobs) {
    const entry: TocBlob = { digest, size, parts: [] };
    const placed: PlannedEntry[] = [];
    let done = 0;
    do {
      if (used > 0 && room() < size - done && room() < Math.min(1 << 20, chunkSize / 16)) {
        chunks.push([]);
        used = 0;
      }
      const partSize = Math.min(size - done, Math.max(room(), 0));
      entry.parts.push({ chunk: chunks.length - 1, offset: used + BLOCK, size: partSize });
      placed.push({ name: '', digest, start: done, size: partSize });
      chunks[chunks.length - 1]!.push(placed[placed.length - 1]!);
      used += BLOCK + padded(partSize);
      done += partSize;
    } while (done < size);
    placed.forEach((e, i) => (e.name = entryName(digest, placed.length > 1 ? i : undefined)));
    out.push(entry);
  }
  return { chunks, blobs: out };
}

/** The TOC's parts must tile every chunk exactly: header, data, padding, …, end-of-archive. */
export function checkTiling(toc: Toc): void {
  const byChunk = toc.chunks.map(() => [] as { offset: number; size: number }[]);
  for (const b of toc.blobs) for (const p of b.parts) byChunk[p.chunk]?.push(p);
  byChunk.forEach((parts, i) => {
    const file = toc.chunks[i]!.file;
    let pos = 0;
    for (const p of parts.sort((a, b) => a.offset - b.offset)) {
      if (p.offset !== pos + BLOCK) throw untiled(file, pos);
      pos = p.offset + padded(p.size);
    }
    if (toc.chunks[i]!.size !== pos + END_OF_ARCHIVE) throw untiled(file, pos);
  });
}

function untiled(file: string, offset: number): AirlockError {
  return new AirlockError('UNSAFE_PATH', `${file}: the entry at offset ${offset} is not listed in bundle.json; refused`, {
    hint: 'this bundle was not written by airlock pack or was altered: do not load it',
  });
}

/** The entries of each chunk, in offset order, named as pack names them. */
export function chunkEntries(toc: Toc): FrameEntry[][] {
  const byChunk = toc.chunks.map(() => [] as FrameEntry[]);
  for (const b of toc.blobs) {
    b.parts.forEach((p, i) => byChunk[p.chunk]?.push({ offset: p.offset, size: p.size, name: entryName(b.digest, b.parts.length > 1 ? i : undefined) }));
  }
  for (const entries of byChunk) entries.sort((a, b) => a.offset - b.offset);
  return byChunk;
}
