// Rendered index pages, kept for a second. A page is derived from catalog records that change only when
// content is loaded or uploaded; re-reading and re-rendering them per request made the project list cost
// tens of milliseconds. Uploads through this server clear the cache at once; a `load` by another process
// shows within the TTL (clients cache pages for 60 s anyway). Bounded: past MAX entries it starts afresh.

const MAX = 4096;

export class PageCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly ttlMs = 1000) {}

  get(key: string, make: () => V): V {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (this.entries.size >= MAX) this.entries.clear();
    const value = make();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
