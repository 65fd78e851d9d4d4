// Deterministic packet fuzzing for the DNS and NTP fuzz tests: a seeded PRNG, random packets and bit-flipped copies of valid ones.
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomPacket(rand: () => number, maxLen: number): Buffer {
  const b = Buffer.allocUnsafe(Math.floor(rand() * maxLen));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** A copy of `valid` with 1–8 random bits flipped, sometimes cut short or extended. */
export function mutate(rand: () => number, valid: Buffer): Buffer {
  let b = Buffer.from(valid);
  const flips = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < flips && b.length; i++) {
    const bit = Math.floor(rand() * b.length * 8);
    b[bit >> 3] = b[bit >> 3]! ^ (1 << (bit & 7));
  }
  const r = rand();
  if (r < 0.1) b = b.subarray(0, Math.floor(rand() * b.length));
  else if (r < 0.15) b = Buffer.concat([b, randomPacket(rand, 64)]);
  return b;
}

/** `count` packets: a third random, two thirds mutations of the valid ones. */
export function* fuzzPackets(seed: number, count: number, valid: Buffer[], maxLen: number): Generator<Buffer> {
  const rand = prng(seed);
  for (let i = 0; i < count; i++) {
    yield rand() < 0.33 ? randomPacket(rand, maxLen) : mutate(rand, valid[Math.floor(rand() * valid.length)]!);
  }
}
