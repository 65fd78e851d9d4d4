// The rollback rule on its own: which bundle is new, which is the newest again, which is stale.
import { describe, expect, it } from 'vitest';
import { checkFreshness, historyEntry } from '../src/bundle/freshness.js';
import type { LoadedBundle } from '../src/bundle/receipt.js';
import type { Toc } from '../src/bundle/toc.js';
import { isAirlockError } from '../src/core/errors.js';

const toc = (id: string, sequence?: number): Toc => ({
  format: 'airlock-bundle/1', id, ...(sequence ? { sequence } : {}), created: '2026-12-01T10:00:00.000Z', tool: 't', lock: null,
  chunks: [], blobs: [], artifacts: [], totals: { blobs: 0, bytes: 0 },
});
const loaded = (id: string, sequence: number | undefined, keyId: string | undefined, extra: Partial<LoadedBundle> = {}): LoadedBundle => ({
  id, ...(sequence ? { sequence } : {}), created: '2026-12-01T10:00:00.000Z', ...(keyId ? { keyId } : {}), loadedAt: '2026-12-02T10:00:00.000Z', ...extra,
});
const stale = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isAirlockError(err, 'BUNDLE_STALE');
  }
  return false;
};

describe('freshness', () => {
  const history = [loaded('a', 1, 'k1'), loaded('b', 2, 'k1'), loaded('x', 9, 'k2')];

  it('newer is new, the newest again is the same, anything else is stale unless allowed', () => {
    expect(checkFreshness({ toc: toc('c', 3), keyId: 'k1', history })).toBe('new');
    expect(checkFreshness({ toc: toc('b', 2), keyId: 'k1', history })).toBe('same');
    expect(stale(() => checkFreshness({ toc: toc('a', 1), keyId: 'k1', history }))).toBe(true);
    expect(stale(() => checkFreshness({ toc: toc('other', 2), keyId: 'k1', history }))).toBe(true); // same number, another bundle
    expect(checkFreshness({ toc: toc('a', 1), keyId: 'k1', history, allowDowngrade: true })).toBe('downgrade');
  });

  it('counts per signing key, but a bundle whose signature was not checked is compared with every key', () => {
    expect(checkFreshness({ toc: toc('c', 3), keyId: 'k1', history })).toBe('new'); // k2's 9 does not count for k1
    expect(checkFreshness({ toc: toc('new-key', 1), keyId: 'k3', history })).toBe('new'); // a rotated key starts its own count
    expect(stale(() => checkFreshness({ toc: toc('c', 3), keyId: undefined, history }))).toBe(true); // below k2's 9
    expect(checkFreshness({ toc: toc('y', 10), keyId: undefined, history })).toBe('new');
  });

  it('a bundle without a sequence is refused even into an empty store, unless allowed', () => {
    expect(stale(() => checkFreshness({ toc: toc('old'), keyId: 'k1', history: [] }))).toBe(true);
    expect(checkFreshness({ toc: toc('old'), keyId: 'k1', history: [], allowDowngrade: true })).toBe('downgrade');
    expect(checkFreshness({ toc: toc('first', 1), keyId: 'k1', history: [loaded('legacy', undefined, undefined)] })).toBe('new');
  });

  it('after a deliberate downgrade the highest number still rules', () => {
    const after = [...history, loaded('a', 1, 'k1', { downgrade: true })];
    expect(stale(() => checkFreshness({ toc: toc('a', 1), keyId: 'k1', history: after }))).toBe(true);
    expect(checkFreshness({ toc: toc('b', 2), keyId: 'k1', history: after })).toBe('same');
  });

  it('the history lists a bundle once per change, and marks a downgrade', () => {
    expect(historyEntry(toc('x', 9), 'k2', 'same', history)).toBeUndefined(); // the last one again
    expect(historyEntry(toc('b', 2), 'k1', 'same', history)).toMatchObject({ id: 'b' }); // k1's newest after k2's: content changes
    expect(historyEntry(toc('c', 3), 'k1', 'new', history)).toMatchObject({ id: 'c', sequence: 3, keyId: 'k1' });
    expect(historyEntry(toc('a', 1), 'k1', 'downgrade', history)).toMatchObject({ id: 'a', downgrade: true });
  });
});
