import type { PrismaClient } from "~/generated/prisma/client";
import { hit, refund, type WindowDecision, type WindowPolicy } from "./window";

/**
 * The RateLimitBucket table as the policy's storage. Each change runs in a transaction holding the
 * bucket's row lock, so portal instances sharing the database count the same attempts.
 */
type Db = Pick<PrismaClient, "$transaction" | "rateLimitBucket">;

async function lockBucket(tx: Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0], key: string, now: Date) {
  await tx.$executeRaw`INSERT INTO "RateLimitBucket" ("key", "count", "windowStart") VALUES (${key}, 0, ${now}) ON CONFLICT ("key") DO NOTHING`;
  await tx.$executeRaw`SELECT 1 FROM "RateLimitBucket" WHERE "key" = ${key} FOR UPDATE`;
  return tx.rateLimitBucket.findUnique({ where: { key } });
}

/** Counts one attempt against `key` if the policy allows it. */
export async function consume(db: Db, key: string, policy: WindowPolicy, now = new Date()): Promise<WindowDecision> {
  return db.$transaction(async (tx) => {
    const decision = hit(await lockBucket(tx, key, now), now, policy);
    if (decision.allowed) await tx.rateLimitBucket.update({ where: { key }, data: decision.next });
    return decision;
  });
}

/** Gives one attempt back to `key` (no-op once its window has passed). */
export async function giveBack(db: Db, key: string, policy: WindowPolicy, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const next = refund(await lockBucket(tx, key, now), now, policy);
    if (next) await tx.rateLimitBucket.update({ where: { key }, data: next });
  });
}

/** Deletes buckets whose window started before `before` (they no longer limit anything). */
export async function pruneBuckets(db: Db, before: Date): Promise<number> {
  const { count } = await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}
