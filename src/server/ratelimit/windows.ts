import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import type { WindowPolicy } from "./window";

/**
 * Fixed-window counters in PostgreSQL (RateLimitWindow), so every portal instance counts against
 * one budget. A window starts at the first attempt after the previous one has passed (as
 * window.ts's hit()); one attempt is one upsert-increment, with no read-modify-write transaction.
 */
type Db = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "rateLimitWindow">;

/** One limit to count an attempt against. Buckets in one call must differ (one row each). */
export type WindowCheck = { bucket: string; key: string; policy: WindowPolicy };
export type WindowGate = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts one attempt in the current window of every check, or in none when any of them is over
 * its limit (a refused attempt is given back, so one address's flood does not use up its network).
 */
export async function countAttempt(db: Db, checks: WindowCheck[], now = new Date()): Promise<WindowGate> {
  // One statement: all rows are counted together. Rows are locked in the checks' order, the same
  // order in every caller, so concurrent attempts cannot deadlock.
  const counted = await db.$queryRaw<Array<{ bucket: string; count: number; windowStart: Date }>>`
    INSERT INTO "RateLimitWindow" AS w ("bucket", "key", "windowStart", "windowMs", "count")
    VALUES ${Prisma.join(checks.map((c) => Prisma.sql`(${c.bucket}, ${c.key}, ${now}, ${c.policy.windowMs}, 1)`))}
    ON CONFLICT ("bucket", "key") DO UPDATE SET
      "count" = CASE WHEN w."windowStart" + EXCLUDED."windowMs" * interval '1 millisecond' <= EXCLUDED."windowStart" THEN 1 ELSE w."count" + 1 END,
      "windowStart" = CASE WHEN w."windowStart" + EXCLUDED."windowMs" * interval '1 millisecond' <= EXCLUDED."windowStart" THEN EXCLUDED."windowStart" ELSE w."windowStart" END,
      "windowMs" = EXCLUDED."windowMs"
    RETURNING "bucket", "count", "windowStart"`;
  const rows = checks.map((c) => ({ ...c, ...counted.find((r) => r.bucket === c.bucket)! }));
  const over = rows.filter((r) => Number(r.count) > r.policy.limit);
  if (over.length === 0) return { allowed: true };
  // One row per statement, in the same order as above, so a give-back never holds one row while
  // waiting for another.
  for (const r of rows) {
    await db.$executeRaw`UPDATE "RateLimitWindow" SET "count" = "count" - 1
      WHERE "bucket" = ${r.bucket} AND "key" = ${r.key} AND "windowStart" = ${r.windowStart} AND "count" > 0`;
  }
  const retryAfterMs = Math.max(...over.map((r) => new Date(r.windowStart).getTime() + r.policy.windowMs - now.getTime()));
  return { allowed: false, retryAfterMs };
}

/** Deletes windows that started before `before` (they no longer limit anything). */
export async function pruneWindows(db: Db, before: Date): Promise<number> {
  const { count } = await db.rateLimitWindow.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}
