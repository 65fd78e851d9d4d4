// Pure functions at the edges: the header and argument parsers everything else trusts.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, backoffMs, DEFAULT_RETRY } from '../src/collect/retry.js';
import { parseRange } from '../src/http/blob-response.js';
import { decodePathSegments } from '../src/http/safe-path.js';
import { parseSize, formatSize } from '../src/core/units.js';
import { parseListen } from '../src/core/listen.js';
import { isDigest, parseDigest } from '../src/core/digest.js';
import { isAirlockError } from '../src/core/errors.js';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('Sun, 29 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
  it('backs off exponentially within the cap', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ms = backoffMs(DEFAULT_RETRY, attempt);
      const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('Range', () => {
  it('parses single ranges and refuses unsatisfiable ones', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-1', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
});

describe('URL path segments', () => {
  it('decodes ordinary segments', () => {
    expect(decodePathSegments('dl.k8s.io/release/v1%2B1/kubeadm')).toEqual(['dl.k8s.io', 'release', 'v1+1', 'kubeadm']);
  });
  for (const bad of ['..', 'a/../b', '%2e%2e/x', 'a/%2E%2E', 'a%2fb', 'a%5cb', 'a/%00', '%zz', './x']) {
    it(`refuses ${bad}`, () => {
      expect(() => decodePathSegments(bad)).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    });
  }
});

describe('sizes, addresses, digests', () => {
  it('parses sizes with binary and decimal units', () => {
    expect(parseSize('4GiB')).toBe(4 * 2 ** 30);
    expect(parseSize('700MB')).toBe(700e6);
    expect(parseSize('1.5KiB')).toBe(1536);
    expect(parseSize('4000000000')).toBe(4e9);
    expect(() => parseSize('lots')).toThrow(/not a size/);
    expect(() => parseSize('0')).toThrow(/positive/);
    expect(formatSize(1536)).toBe('1.5 KiB');
  });
  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListen(':53')).toEqual({ host: '0.0.0.0', port: 53 });
    expect(() => parseListen('localhost')).toThrow(expect.objectContaining({ hint: expect.stringContaining('HOST:PORT') }));
    expect(() => parseListen('a:70000')).toThrow(/not a listen address/);
  });
  it('accepts only well-formed digests', () => {
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigest(`sha512:${'a'.repeat(128)}`)).toBe(true);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest(`sha256:${'a'.repeat(63)}`)).toBe(false);
    expect(isDigest(`md5:${'a'.repeat(32)}`)).toBe(false);
    try {
      parseDigest('sha256:xyz');
      expect.unreachable();
    } catch (err) {
      expect(isAirlockError(err, 'USAGE')).toBe(true);
    }
  });
});
