// dpkg version ordering, checked against dpkg itself on generated pairs (one shell runs each batch).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { compareVersions, parseVersion, satisfiesOp } from '../src/kinds/deb/version.js';

const PIECES = ['0', '1', '01', '1.0', '1.00', '1.2', '1.10', '2', '10', '1a', '1.a', '1~', '1~rc1', '1~~', '1+b1', '1.0+dfsg', '1-', 'a', 'z', '1.2.3', '9.99', '1:1', '2:0'];

/** A deterministic pseudo-random stream (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function genVersion(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const epoch = r() < 0.15 ? `${pick(['0', '1', '2', '10'])}:` : '';
  let upstream = pick(['0', '1', '2', '9', '10', '1.0', '2.36']);
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) upstream += pick(['.1', '.01', '~rc1', '~', '+dfsg', 'a', 'b', '.0', '+git20240101', '~beta2', '.10', '-1', '+b']);
  const revision = r() < 0.6 ? `-${pick(['1', '0', '1~bpo12+1', '9+deb12u7', '9+deb12u10', '2ubuntu1', '1.1', '1+b1', '1~'])}` : '';
  return `${epoch}${upstream}${revision}`;
}

function dpkgOrder(pairs: [string, string][]): number[] {
  const script = pairs.map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`).join('\n');
  return execFileSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').map(Number);
}

describe('deb version', () => {
  it('parses epoch, upstream and revision', () => {
    expect(parseVersion('1:2.3-4-5')).toEqual({ epoch: 1, upstream: '2.3-4', revision: '5' });
    expect(parseVersion('2.36')).toEqual({ epoch: 0, upstream: '2.36', revision: '' });
  });

  it('orders like the spec examples', () => {
    expect(compareVersions('1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareVersions('1.0~~', '1.0~')).toBeLessThan(0);
    expect(compareVersions('1.0', '1.0+b1')).toBeLessThan(0);
    expect(compareVersions('1:0.1', '9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.01', '1.1')).toBe(0);
    expect(satisfiesOp('2.36-9+deb12u10', '>=', '2.36-9+deb12u7')).toBe(true);
    expect(satisfiesOp('2.36', '<<', '2.36')).toBe(false);
  });

  it('agrees with dpkg --compare-versions on 600 generated pairs', () => {
    const r = rng(8);
    const pairs: [string, string][] = [];
    for (let i = 0; i < 500; i++) pairs.push([genVersion(r), genVersion(r)]);
    for (let i = 0; i < 100; i++) pairs.push([PIECES[i % PIECES.length]!, PIECES[(i * 7 + 3) % PIECES.length]!]);
    const want = dpkgOrder(pairs);
    const got = pairs.map(([a, b]) => Math.sign(compareVersions(a, b)));
    const wrong = pairs.flatMap(([a, b], i) => (got[i] === want[i] ? [] : [`${a} vs ${b}: dpkg ${want[i]}, ours ${got[i]}`]));
    expect(want.length).toBe(pairs.length);
    expect(wrong).toEqual([]);
  });
});
