// Streamed reading of repodata files: decompress by the file's suffix (gz, xz, zst) and feed the text to
// saxes chunk by chunk, so a 100 MB primary never sits in memory whole.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { Decompress } from 'fzstd';
import { AirlockError } from '../../core/errors.js';

export type Chunks = AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>;

/** The plain bytes of a repodata file named `name` (its href), decompressed while streaming. */
export function decompressed(name: string, source: Chunks): Chunks {
  if (name.endsWith('.gz')) return Readable.from(source).pipe(createGunzip());
  if (name.endsWith('.xz')) return xz(source);
  if (name.endsWith('.zst')) return zstd(source);
  if (name.endsWith('.bz2')) {
    throw new AirlockError('UNSUPPORTED', `${name}: bzip2-compressed repodata is not read`, { hint: 'ask the repository for gz, xz or zst metadata (createrepo_c --general-compress-type)' });
  }
  return source;
}

/** xz through a WASM decoder, loaded only when an upstream serves xz (a CommonJS module: default import). */
async function* xz(source: Chunks): AsyncGenerator<Uint8Array> {
  const { XzReadableStream } = ((await import('xz-decompress')) as unknown as { default: typeof import('xz-decompress') }).default;
  const web = new XzReadableStream(Readable.toWeb(Readable.from(source)) as ReadableStream<Uint8Array>);
  for await (const chunk of web as unknown as AsyncIterable<Uint8Array>) yield chunk;
}

async function* zstd(source: Chunks): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const d = new Decompress((chunk) => void out.push(chunk));
  for await (const chunk of source) {
    d.push(chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk));
    yield* out.splice(0);
  }
  d.push(new Uint8Array(0), true);
  yield* out.splice(0);
}

export interface XmlHandlers {
  open?(tag: SaxesTagPlain): void;
  text?(text: string): void;
  close?(tag: SaxesTagPlain): void;
}

/** Parse an XML byte stream without namespaces processing (names keep their `rpm:` prefixes). */
export async function parseXml(source: Chunks, handlers: XmlHandlers, where: string): Promise<void> {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  let failure: Error | undefined;
  parser.on('error', (err) => (failure ??= err));
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.close) parser.on('closetag', handlers.close);
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    parser.write(decoder.decode(chunk, { stream: true }));
    if (failure) break;
  }
  if (!failure) parser.write(decoder.decode()).close();
  if (failure) throw new AirlockError('FETCH_FAILED', `${where}: not well-formed XML (${failure.message})`, { hint: 'the upstream served a damaged file; try again or use another mirror' });
}

/** Attribute values as plain strings. */
export function attrs(tag: SaxesTagPlain): Record<string, string> {
  return tag.attributes as Record<string, string>;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ESC[c]!);
