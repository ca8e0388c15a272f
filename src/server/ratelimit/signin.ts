import type { PrismaClient } from "~/generated/prisma/client";
import { consume, giveBack } from "./store";
import type { WindowPolicy } from "./window";

/**
 * Sign-in attempts are limited per account-and-address (guessing one user's password from one
 * place), per client address (spraying many accounts) and, far more slowly, per account across all
 * addresses (a distributed guess). The per-account backstop is deliberately loose: a stranger who
 * fails eight times only locks themselves out, not the account's owner signing in from elsewhere.
 * A successful sign-in gives its attempt back, so only failures add up.
 */
export const signInPolicies = {
  pair: { limit: 8, windowMs: 15 * 60_000 },
  address: { limit: 40, windowMs: 15 * 60_000 },
  account: { limit: 100, windowMs: 60 * 60_000 },
} satisfies Record<string, WindowPolicy>;

type Db = Pick<PrismaClient, "$transaction" | "rateLimitBucket">;

export type SignInAttempt =
  | { allowed: true; succeeded: () => Promise<void> }
  | { allowed: false; retryAfterMs: number };

export function signInKeys(email: string, address: string) {
  return {
    pair: `signin:pair:${address}:${email}`,
    address: `signin:address:${address}`,
    account: `signin:account:${email}`,
  };
}

/** Counts one attempt against every bucket, or against none when any of them refuses. */
export async function consumeAll(db: Db, buckets: Array<[key: string, policy: WindowPolicy]>): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const taken: Array<[string, WindowPolicy]> = [];
  for (const [key, policy] of buckets) {
    const d = await consume(db, key, policy);
    if (!d.allowed) {
      for (const [k, p] of taken) await giveBack(db, k, p);
      return { allowed: false, retryAfterMs: d.retryAfterMs };
    }
    taken.push([key, policy]);
  }
  return { allowed: true };
}

export async function beginSignInAttempt(
  db: Db,
  who: { email: string; address: string },
  policies = signInPolicies,
): Promise<SignInAttempt> {
  const keys = signInKeys(who.email, who.address);
  const buckets: Array<[string, WindowPolicy]> = [
    [keys.pair, policies.pair],
    [keys.address, policies.address],
    [keys.account, policies.account],
  ];
  const d = await consumeAll(db, buckets);
  if (!d.allowed) return d;
  return {
    allowed: true,
    succeeded: async () => {
      for (const [k, p] of buckets) await giveBack(db, k, p);
    },
  };
}
