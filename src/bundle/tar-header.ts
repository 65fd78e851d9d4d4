// POSIX ustar headers for chunk entries: the one 512-byte record before each blob's bytes.
// Bundles write only regular files with short ASCII names, so this is the whole format we need;
// reading checks exactly that and nothing more permissive.
export const BLOCK = 512;
export const END_OF_ARCHIVE = 2 * BLOCK;

export const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

export function encodeHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`);
  h.write(name, 0, 100, 'ascii');
  octal(h, 100, 8, 0o644); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0); // mtime
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\u000000', 257, 8, 'ascii');
  octal(h, 148, 7, checksum(h));
  return h;
}

export interface DecodedHeader {
  name: string;
  size: number;
  /** '0' regular file, '2' symlink, '5' directory, 'x' pax, … */
  type: string;
  checksumOk: boolean;
}

export function decodeHeader(h: Buffer): DecodedHeader {
  const name = cString(h.subarray(0, 100));
  const prefix = cString(h.subarray(345, 500));
  const rawType = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
  const stored = parseInt(cString(h.subarray(148, 156)).trim() || '0', 8);
  const copy = Buffer.from(h);
  copy.fill(0x20, 148, 156);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: parseInt(cString(h.subarray(124, 136)).trim() || '0', 8),
    type: rawType,
    checksumOk: stored === checksum(copy),
  };
}

function octal(h: Buffer, offset: number, width: number, value: number): void {
  h.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (const byte of h) sum += byte;
  return sum;
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
}
