/**
 * A per-process memory of users' session versions, so an authenticated request does not cost a
 * database read every time. Revocation stays prompt because every bump is announced on the
 * cluster bus and each instance forgets that user on arrival. The cache is only trusted while it
 * can hear those announcements:
 *   - nothing is kept or served while the bus is not listening;
 *   - an entry remembers the bus connection it was stored under (its epoch): after a reconnect,
 *     messages of the gap may be lost, so older entries no longer count;
 *   - an entry lives at most `ttlMs`, which bounds a revocation whose message was lost on a
 *     connection that died silently;
 *   - a read that overlaps any invalidation is not stored (the row it read may predate the bump).
 * Pure apart from the clock and the bus facts passed in, so the races are testable.
 */
export type BusState = { connected: boolean; epoch: number };
type Entry = { version: number | null; at: number; epoch: number };

export class VersionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a load that started before one must not store its answer. */
  private generation = 0;

  constructor(
    private readonly bus: () => BusState,
    private readonly ttlMs = 15_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached version (null: no such account), or undefined when there is nothing to trust. */
  peek(userId: string): number | null | undefined {
    const e = this.entries.get(userId);
    if (!e) return undefined;
    const bus = this.bus();
    if (!bus.connected || e.epoch !== bus.epoch || this.now() - e.at >= this.ttlMs) {
      this.entries.delete(userId);
      return undefined;
    }
    return e.version;
  }

  /** The user's version from the cache, or from `load` (stored when nothing invalidated meanwhile). */
  async read(userId: string, load: () => Promise<number | null>): Promise<number | null> {
    const hit = this.peek(userId);
    if (hit !== undefined) return hit;
    return this.fresh(userId, load);
  }

  /** Always loads, and stores the answer under the same rules as read(). */
  async fresh(userId: string, load: () => Promise<number | null>): Promise<number | null> {
    const generation = this.generation;
    const bus = this.bus();
    const version = await load();
    const after = this.bus();
    if (generation === this.generation && after.connected && after.epoch === bus.epoch) {
      // Oldest first out: Map keeps insertion order, and a re-stored user moves to the end.
      this.entries.delete(userId);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(userId, { version, at: this.now(), epoch: bus.epoch });
    }
    return version;
  }

  invalidate(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
  }

  get size(): number {
    return this.entries.size;
  }
}
