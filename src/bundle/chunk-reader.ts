// Streams one chunk file's tar entries and checks each against the TOC before anything is written:
// only regular files named blobs/<alg>/<hex>[.NNNNN], at exactly the offset and size the TOC lists.
// Names from the archive are never used as paths; blobs are stored by their digest.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { AirlockError } from '../core/errors.js';
import { padded } from './chunk-writer.js';
import { entryName, ENTRY_NAME_RE, type Toc, type TocBlob } from './toc.js';

export interface ExpectedPart {
  blob: TocBlob;
  part: number;
}

/** Index of every part in the TOC by "chunk:offset". */
export function indexParts(toc: Toc): Map<string, ExpectedPart> {
  const map = new Map<string, ExpectedPart>();
  for (const blob of toc.blobs) blob.parts.forEach((p, part) => map.set(`${p.chunk}:${p.offset}`, { blob, part }));
  return map;
}

export async function readChunk(
  path: string,
  chunkIndex: number,
  parts: Map<string, ExpectedPart>,
  onEntry: (expected: ExpectedPart, stream: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const file = path.split('/').pop()!;
  const tar = extract();
  let position = 0;
  let failure: unknown;
  const refuse = (why: string) => new AirlockError('UNSAFE_PATH', `${file}: ${why}; refused`, { hint: 'this chunk was not written by airlock pack or was altered: do not load it' });
  tar.on('entry', (header, stream, next) => {
    const offset = position + 512;
    position = offset + padded(header.size ?? 0);
    // The entry stream errors too when the extractor is destroyed; the first failure is what we report.
    stream.on('error', () => {});
    const fail = (err: unknown) => {
      failure ??= err;
      tar.destroy(err as Error);
    };
    if (header.type !== 'file') return fail(refuse(`entry ${JSON.stringify(header.name)} is a ${header.type}, not a regular file`));
    if (!ENTRY_NAME_RE.test(header.name)) return fail(refuse(`entry ${JSON.stringify(header.name)} is not a blob name`));
    const expected = parts.get(`${chunkIndex}:${offset}`);
    const part = expected?.blob.parts[expected.part];
    const name = expected && entryName(expected.blob.digest, expected.blob.parts.length > 1 ? expected.part : undefined);
    if (!expected || name !== header.name || part!.size !== header.size) {
      return fail(refuse(`entry ${JSON.stringify(header.name)} at offset ${offset} is not listed in bundle.json`));
    }
    onEntry(expected, stream as AsyncIterable<Buffer>).then(() => next(), fail);
  });
  try {
    await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), tar);
  } catch (err) {
    if (failure) throw failure;
    if (err instanceof AirlockError) throw err;
    throw new AirlockError('BUNDLE_INVALID', `${file}: not a valid chunk: ${(err as Error).message}`, { hint: 'run `airlock verify` to check the bundle', cause: err });
  }
}
