import type { PrismaClient } from "~/generated/prisma/client";
import { consume, giveBack } from "./store";
import type { WindowPolicy } from "./window";

/**
 * Sign-in attempts are limited per account (guessing one user's password) and per client address
 * (spraying many accounts). A successful sign-in gives its attempt back, so only failures add up.
 */
export const signInPolicies = {
  account: { limit: 8, windowMs: 15 * 60_000 },
  address: { limit: 40, windowMs: 15 * 60_000 },
} satisfies Record<string, WindowPolicy>;

type Db = Pick<PrismaClient, "$transaction" | "rateLimitBucket">;

export type SignInAttempt =
  | { allowed: true; succeeded: () => Promise<void> }
  | { allowed: false; retryAfterMs: number };

export function signInKeys(email: string, address: string) {
  return { account: `signin:account:${email}`, address: `signin:address:${address}` };
}

export async function beginSignInAttempt(
  db: Db,
  who: { email: string; address: string },
  policies = signInPolicies,
): Promise<SignInAttempt> {
  const keys = signInKeys(who.email, who.address);
  const account = await consume(db, keys.account, policies.account);
  if (!account.allowed) return { allowed: false, retryAfterMs: account.retryAfterMs };
  const address = await consume(db, keys.address, policies.address);
  if (!address.allowed) {
    await giveBack(db, keys.account, policies.account);
    return { allowed: false, retryAfterMs: address.retryAfterMs };
  }
  return {
    allowed: true,
    succeeded: async () => {
      await giveBack(db, keys.account, policies.account);
      await giveBack(db, keys.address, policies.address);
    },
  };
}
