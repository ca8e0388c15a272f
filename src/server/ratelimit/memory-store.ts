import { hit, type BucketState, type WindowDecision, type WindowPolicy } from "./window";

/**
 * Fixed-window buckets in this process's memory, for limits that must not outlive the process (see
 * signup.ts). Bounded: when full, expired buckets are dropped first, then everything (a limiter that
 * forgets is better than one that grows without end).
 */
const MAX_BUCKETS = 100_000;

export class MemoryBuckets {
  private readonly buckets = new Map<string, BucketState & { windowMs: number }>();

  /** What consume() would decide, without counting. */
  peek(key: string, policy: WindowPolicy, now = new Date()): WindowDecision {
    return hit(this.buckets.get(key) ?? null, now, policy);
  }

  consume(key: string, policy: WindowPolicy, now = new Date()): WindowDecision {
    const decision = hit(this.buckets.get(key) ?? null, now, policy);
    if (decision.allowed) {
      if (this.buckets.size >= MAX_BUCKETS && !this.buckets.has(key)) this.sweep(now);
      this.buckets.set(key, { ...decision.next, windowMs: policy.windowMs });
    }
    return decision;
  }

  private sweep(now: Date): void {
    for (const [k, b] of this.buckets) if (now.getTime() - b.windowStart.getTime() >= b.windowMs) this.buckets.delete(k);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}
