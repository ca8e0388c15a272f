import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import type { WindowPolicy } from "./window";

/**
 * Fixed-window counters in PostgreSQL (RateLimitWindow), so every portal instance counts against
 * one budget. Windows are aligned to multiples of their length, which makes the row's key known in
 * advance: one attempt is one upsert-increment, no read-modify-write and no transaction.
 */
type Db = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "rateLimitWindow">;

/** One limit to count an attempt against. Buckets in one call must differ (one row each). */
export type WindowCheck = { bucket: string; key: string; policy: WindowPolicy };
export type WindowGate = { allowed: true } | { allowed: false; retryAfterMs: number };

export function alignedWindowStart(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/**
 * Counts one attempt in the current window of every check, or in none when any of them is over
 * its limit (a refused attempt is given back, so one address's flood does not use up its network).
 */
export async function countAttempt(db: Db, checks: WindowCheck[], now = new Date()): Promise<WindowGate> {
  const rows = checks.map((c) => ({ ...c, windowStart: alignedWindowStart(now, c.policy.windowMs) }));
  // One statement: all rows are counted together. Rows are locked in the checks' order, the same
  // order in every caller, so concurrent attempts cannot deadlock.
  const counted = await db.$queryRaw<Array<{ bucket: string; count: number }>>`
    INSERT INTO "RateLimitWindow" ("bucket", "key", "windowStart", "count")
    VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${r.bucket}, ${r.key}, ${r.windowStart}, 1)`))}
    ON CONFLICT ("bucket", "key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
    RETURNING "bucket", "count"`;
  const countOf = new Map(counted.map((c) => [c.bucket, Number(c.count)]));
  const over = rows.filter((r) => (countOf.get(r.bucket) ?? 0) > r.policy.limit);
  if (over.length === 0) return { allowed: true };
  // One row per statement, in the same order as above, so a give-back never holds one row while
  // waiting for another.
  for (const r of rows) {
    await db.$executeRaw`UPDATE "RateLimitWindow" SET "count" = "count" - 1
      WHERE "bucket" = ${r.bucket} AND "key" = ${r.key} AND "windowStart" = ${r.windowStart} AND "count" > 0`;
  }
  const retryAfterMs = Math.max(...over.map((r) => r.windowStart.getTime() + r.policy.windowMs - now.getTime()));
  return { allowed: false, retryAfterMs };
}

/** Deletes windows that started before `before` (they no longer limit anything). */
export async function pruneWindows(db: Db, before: Date): Promise<number> {
  const { count } = await db.rateLimitWindow.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}
