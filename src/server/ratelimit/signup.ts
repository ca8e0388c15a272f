import type { PrismaClient } from "~/generated/prisma/client";
import { networkOf } from "./network";
import { consumeAll } from "./signin";
import type { WindowPolicy } from "./window";

/**
 * Sign-ups cost a memory-hard hash each and create rows: limited per client address per minute and,
 * ten times slower, per network per hour (so hopping addresses inside one allocation does not help).
 * Every attempt counts, successful or not.
 */
export function signUpPolicies(perMinute: number) {
  return {
    address: { limit: perMinute, windowMs: 60_000 },
    network: { limit: perMinute * 10, windowMs: 60 * 60_000 },
  } satisfies Record<string, WindowPolicy>;
}

type Db = Pick<PrismaClient, "$transaction" | "rateLimitBucket">;

export function beginSignUp(db: Db, address: string, policies: ReturnType<typeof signUpPolicies>) {
  return consumeAll(db, [
    [`signup:address:${address}`, policies.address],
    [`signup:network:${networkOf(address)}`, policies.network],
  ]);
}
