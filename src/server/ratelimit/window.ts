/**
 * Fixed-window rate limit policy, pure: given a bucket's stored state and the time, decide whether
 * one more attempt is allowed and what the bucket becomes. The DB adapter applies it atomically.
 */
export type WindowPolicy = { limit: number; windowMs: number };
export type BucketState = { count: number; windowStart: Date };
export type WindowDecision = { allowed: boolean; next: BucketState; retryAfterMs: number };

/** Counts one attempt. An attempt past the limit is refused and not counted (the window is not extended). */
export function hit(state: BucketState | null, now: Date, policy: WindowPolicy): WindowDecision {
  const current = state && !expired(state, now, policy) ? state : { count: 0, windowStart: now };
  if (current.count >= policy.limit) {
    return { allowed: false, next: current, retryAfterMs: retryAfter(current, now, policy) };
  }
  return { allowed: true, next: { count: current.count + 1, windowStart: current.windowStart }, retryAfterMs: 0 };
}

/** Gives one attempt back (a successful sign-in does not count against the caller). */
export function refund(state: BucketState | null, now: Date, policy: WindowPolicy): BucketState | null {
  if (!state || expired(state, now, policy)) return null;
  return { count: Math.max(0, state.count - 1), windowStart: state.windowStart };
}

export function expired(state: BucketState, now: Date, policy: WindowPolicy): boolean {
  return now.getTime() - state.windowStart.getTime() >= policy.windowMs;
}

function retryAfter(state: BucketState, now: Date, policy: WindowPolicy): number {
  return Math.max(0, state.windowStart.getTime() + policy.windowMs - now.getTime());
}

/** "Too many attempts, try again in N minutes" with N rounded up (at least 1). */
export function tooManyAttemptsMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
