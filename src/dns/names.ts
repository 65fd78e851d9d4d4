// Name helpers: absolute names from site.yaml's relative ones, reverse (PTR) names for IPv4 and IPv6,
// and the wire-format lookup key the fast path computes straight from query bytes.
import { isIP } from 'node:net';

/** Lower-case, no trailing dot: the canonical form every zone map is keyed by. */
export function canonical(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** site.yaml names are relative to the domain unless they end with "."; "@" is the domain itself. */
export function absolute(name: string, domain: string): string {
  if (name === '@') return canonical(domain);
  if (name.endsWith('.')) return canonical(name);
  return canonical(`${name}.${domain}`);
}

/** Every nibble of an IPv6 address, most significant first (32 hex digits). */
export function ipv6Nibbles(address: string): string {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join('').toLowerCase();
}

/** 192.168.10.11 → 11.10.168.192.in-addr.arpa; IPv6 → 32 nibbles under ip6.arpa. */
export function reverseName(address: string): string {
  if (isIP(address) === 4) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${ipv6Nibbles(address).split('').reverse().join('.')}.ip6.arpa`;
}

/** The reverse zone an address's PTR lives in: its /24 (IPv4) or /64 (IPv6). */
export function reverseZone(address: string): string {
  if (isIP(address) === 4) return `${address.split('.').slice(0, 3).reverse().join('.')}.in-addr.arpa`;
  return `${ipv6Nibbles(address).slice(0, 16).split('').reverse().join('.')}.ip6.arpa`;
}

/**
 * The fast-path key: the name's wire bytes (length-prefixed labels, ASCII lower-cased, without the final
 * zero) as a latin1 string. Length bytes are < 64 so lower-casing never touches them.
 */
export function wireName(name: string): string {
  let s = '';
  for (const l of canonical(name).split('.').filter(Boolean)) s += String.fromCharCode(l.length) + l;
  return s;
}
