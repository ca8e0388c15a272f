import { MemoryBuckets } from "./memory-store";
import { networkOf } from "./network";
import type { WindowPolicy } from "./window";

/**
 * Sign-ups cost a memory-hard hash each and create rows: limited per client address (per minute,
 * and over ten minutes so a slow server does not let a patient flood through) and per network per
 * hour (so hopping addresses inside one allocation does not help). Every attempt counts.
 *
 * Counted in each portal process's memory, not in PostgreSQL like sign-in: a restart forgets them
 * (several instances each allow the limit). Sign-up has no account to protect from a distributed
 * guess, and a limit that outlives the process would keep locking out the next legitimate sign-ups
 * from a shared address long after a burst.
 */
export function signUpPolicies(perMinute: number) {
  return {
    address: { limit: perMinute, windowMs: 60_000 },
    addressSlow: { limit: perMinute * 2, windowMs: 10 * 60_000 },
    network: { limit: perMinute * 10, windowMs: 60 * 60_000 },
  } satisfies Record<string, WindowPolicy>;
}

const g = globalThis as unknown as { __zlhSignUpBuckets?: MemoryBuckets };
// One store per process, shared by Next's bundles and server.ts.
const buckets = (g.__zlhSignUpBuckets ??= new MemoryBuckets());

export function beginSignUp(address: string, policies: ReturnType<typeof signUpPolicies>, now = new Date()): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const checks: Array<[string, WindowPolicy]> = [
    [`signup:address:${address}`, policies.address],
    [`signup:address-slow:${address}`, policies.addressSlow],
    [`signup:network:${networkOf(address)}`, policies.network],
  ];
  // All or nothing: peek every bucket first so a refusal by one does not use up the others.
  for (const [key, policy] of checks) {
    const d = buckets.peek(key, policy, now);
    if (!d.allowed) return { allowed: false, retryAfterMs: d.retryAfterMs };
  }
  for (const [key, policy] of checks) buckets.consume(key, policy, now);
  return { allowed: true };
}
