// Address-in-network tests for allow-recursion lists: parsed once into bigint masks, matched per query.
import { isIP } from 'node:net';
import { parseCidr } from '../config/site.js';
import { ipv6Nibbles } from '../dns/names.js';

interface Net {
  family: 4 | 6;
  base: bigint;
  mask: bigint;
}

export class CidrSet {
  private readonly nets: Net[];
  private readonly cache = new Map<string, boolean>();

  constructor(cidrs: readonly string[]) {
    this.nets = cidrs.map((text) => {
      const c = parseCidr(text)!;
      const bits = c.family === 4 ? 32 : 128;
      const mask = c.prefix === 0 ? 0n : ((1n << BigInt(c.prefix)) - 1n) << BigInt(bits - c.prefix);
      return { family: c.family, base: toBig(c.address) & mask, mask };
    });
  }

  has(address: string): boolean {
    const hit = this.cache.get(address);
    if (hit !== undefined) return hit;
    const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(a);
    const value = family ? toBig(a) : 0n;
    const ok = family !== 0 && this.nets.some((n) => n.family === family && (value & n.mask) === n.base);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(address, ok);
    return ok;
  }
}

function toBig(address: string): bigint {
  if (isIP(address) === 4) return address.split('.').reduce((acc, b) => (acc << 8n) | BigInt(Number(b)), 0n);
  return BigInt(`0x${ipv6Nibbles(address)}`);
}
