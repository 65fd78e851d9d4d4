// The signed part of an RPM file: after the 96-byte lead comes the signature header, whose RSAHEADER (268)
// or DSAHEADER (267) entry is an OpenPGP signature over the main header that follows (8-byte aligned).
// The main header holds every tag dnf and rpm trust, including the payload digest, so checking it (as
// `rpmkeys --checksig` does for header-only signatures) covers the whole package once the file's sha256
// also matches primary.
const LEAD = 96;
const MAGIC = 0x8eade801;
const RSAHEADER = 268;
const DSAHEADER = 267;
const BIN = 7;

export interface SignedHeader {
  /** OpenPGP signature packets over `header` (binary). */
  signatures: Uint8Array[];
  /** The main header's bytes: what the signatures sign. */
  header: Uint8Array;
}

export class RpmFormatError extends Error {}

/** Read the lead, signature header and main header bounds from the start of an RPM file. */
export function signedHeader(rpm: Buffer): SignedHeader {
  if (rpm.length < LEAD + 16 || rpm.readUInt32BE(0) !== 0xedabeedb) throw new RpmFormatError('not an RPM file (no lead)');
  const sig = headerAt(rpm, LEAD);
  const mainStart = align8(sig.end);
  const main = headerAt(rpm, mainStart);
  const signatures: Uint8Array[] = [];
  for (const e of sig.entries) {
    if ((e.tag === RSAHEADER || e.tag === DSAHEADER) && e.type === BIN) signatures.push(rpm.subarray(sig.store + e.offset, sig.store + e.offset + e.count));
  }
  return { signatures, header: rpm.subarray(mainStart, main.end) };
}

interface HeaderBounds {
  entries: { tag: number; type: number; offset: number; count: number }[];
  store: number;
  end: number;
}

function headerAt(buf: Buffer, at: number): HeaderBounds {
  if (buf.length < at + 16 || buf.readUInt32BE(at) !== MAGIC) throw new RpmFormatError(`no header at byte ${at}`);
  const count = buf.readUInt32BE(at + 8);
  const size = buf.readUInt32BE(at + 12);
  const store = at + 16 + count * 16;
  const end = store + size;
  if (count > 1 << 16 || end > buf.length) throw new RpmFormatError(`header at byte ${at} runs past the data`);
  const entries = Array.from({ length: count }, (_, i) => {
    const o = at + 16 + i * 16;
    return { tag: buf.readUInt32BE(o), type: buf.readUInt32BE(o + 4), offset: buf.readUInt32BE(o + 8), count: buf.readUInt32BE(o + 12) };
  });
  for (const e of entries) if (e.type === BIN && store + e.offset + e.count > end) throw new RpmFormatError('signature entry runs past its header');
  return { entries, store, end };
}

const align8 = (n: number) => (n + 7) & ~7;
