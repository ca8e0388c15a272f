import { networkOf } from "./network";
import type { WindowPolicy } from "./window";
import { countAttempt, type WindowGate } from "./windows";

/**
 * Sign-ups cost a memory-hard hash each and create rows: limited per client address (per minute,
 * and over ten minutes so a slow server does not let a patient flood through) and per network per
 * hour (so hopping addresses inside one allocation does not help).
 *
 * Counted in PostgreSQL, so several portal instances behind one load balancer share one budget
 * (in each process's memory, N instances allowed N times the limit). The windows are fixed and
 * short, so a burst from a shared address stops limiting it an hour later at most.
 */
export function signUpPolicies(perMinute: number) {
  return {
    address: { limit: perMinute, windowMs: 60_000 },
    addressSlow: { limit: perMinute * 2, windowMs: 10 * 60_000 },
    network: { limit: perMinute * 10, windowMs: 60 * 60_000 },
  } satisfies Record<string, WindowPolicy>;
}

type Db = Parameters<typeof countAttempt>[0];

export function beginSignUp(db: Db, address: string, policies: ReturnType<typeof signUpPolicies>, now = new Date()): Promise<WindowGate> {
  return countAttempt(
    db,
    [
      { bucket: "signup:address", key: address, policy: policies.address },
      { bucket: "signup:address-slow", key: address, policy: policies.addressSlow },
      { bucket: "signup:network", key: networkOf(address), policy: policies.network },
    ],
    now,
  );
}
